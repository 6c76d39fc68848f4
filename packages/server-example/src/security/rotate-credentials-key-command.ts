/**
 * The `rotate-credentials-key` command: re-encrypts every stored exchange credential and every
 * user's notification settings (webhook secret, Telegram bot token) under CREDENTIALS_KEY, reading
 * the old ones with CREDENTIALS_KEY_PREVIOUS (see the README's key rotation).
 */
import { join } from 'node:path';
import { createPostgresStore } from '@trd/store-postgres';
import { loadServerConfig } from '../config/server-config';
import { notificationSealer } from '../notifications/notification-settings';
import { lockDataDir, recordPostgresOwner } from '../runtime/data-dir-lock';
import { createCredentialCipher } from './credential-cipher';
import { formatRotationReport, rotateCredentials, rotationLeftUnreadable } from './rotate-credentials';

/** Exit codes: 0 every credential and notification setting under the new key, 1 some unreadable or a failure, 2 bad settings. */
export async function rotateCredentialsKey(
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  let config: ReturnType<typeof loadServerConfig>;
  try {
    config = loadServerConfig(env);
  } catch (error) {
    out(`rotate-credentials-key: ${(error as Error).message}`);
    return 2;
  }
  if (!config.credentialsKey || !config.credentialsKeyPrevious) {
    out(
      'rotate-credentials-key: set CREDENTIALS_KEY to the new key and CREDENTIALS_KEY_PREVIOUS to the old one (base64 of 32 bytes each)',
    );
    return 2;
  }
  // Without DATABASE_URL the database is this DATA_DIR's embedded one: only while no server uses it
  // (a server started with both keys rotates by itself at start).
  const embeddedPostgresDir = config.databaseUrl ? undefined : join(config.dataDir, 'postgres');
  let lock: { release(): void } | undefined;
  if (embeddedPostgresDir) {
    try {
      lock = await lockDataDir(config.dataDir, { embeddedPostgresDir });
    } catch (error) {
      out(
        `rotate-credentials-key: ${(error as Error).message}. A server started with CREDENTIALS_KEY and CREDENTIALS_KEY_PREVIOUS rotates its keys at start.`,
      );
      return 1;
    }
  }
  try {
    const store = await createPostgresStore(
      config.databaseUrl ? { url: config.databaseUrl } : { dataDir: embeddedPostgresDir! },
    );
    const forgetOwner = embeddedPostgresDir
      ? recordPostgresOwner(config.dataDir, embeddedPostgresDir)
      : () => {};
    try {
      const cipher = createCredentialCipher(config.credentialsKey, {
        previousKey: config.credentialsKeyPrevious,
      });
      const report = await rotateCredentials(
        store.users,
        cipher,
        notificationSealer(config.credentialsKey, { previousKey: config.credentialsKeyPrevious }),
      );
      out(formatRotationReport(report));
      return rotationLeftUnreadable(report) ? 1 : 0;
    } finally {
      await store.close();
      forgetOwner();
    }
  } catch (error) {
    out(`rotate-credentials-key: ${(error as Error).message}`);
    return 1;
  } finally {
    lock?.release();
  }
}
