// `pnpm --filter @trd/server-example rotate-credentials-key`: re-encrypts every stored exchange
// credential and every user's notification settings (webhook secret, Telegram bot token) under
// CREDENTIALS_KEY, reading the old ones with CREDENTIALS_KEY_PREVIOUS. Runs beside servers that already have both keys (DATABASE_URL); see the README's key rotation.
import { rotateCredentialsKey } from './security/rotate-credentials-key-command';

rotateCredentialsKey(process.env, (line) => process.stdout.write(`${line}\n`)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `rotate-credentials-key failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
