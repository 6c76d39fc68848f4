import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@trd/core';

export interface LocalSecrets {
  jwtSecret: string;
  credentialsKey: Buffer;
}

/**
 * For local runs without JWT_SECRET / CREDENTIALS_KEY: secrets generated once and kept (mode 0600)
 * in `<dataDir>/local-secrets.json`, so tokens and stored exchange keys survive a restart.
 * Production refuses to start without real ones (see `loadServerConfig`).
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const path = join(dataDir, 'local-secrets.json');
  if (existsSync(path)) {
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { jwtSecret?: string; credentialsKey?: string };
      const credentialsKey = Buffer.from(saved.credentialsKey ?? '', 'base64');
      if (
        typeof saved.jwtSecret === 'string' &&
        saved.jwtSecret.length >= 32 &&
        credentialsKey.length === 32
      ) {
        return { jwtSecret: saved.jwtSecret, credentialsKey };
      }
    } catch {
      // fall through: an unreadable file is reported below rather than silently replaced
    }
    throw new ConfigError(`${path} is unreadable; delete it to generate new local secrets`);
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = { jwtSecret: randomBytes(48).toString('base64url'), credentialsKey: randomBytes(32) };
  writeFileSync(
    path,
    JSON.stringify({
      jwtSecret: secrets.jwtSecret,
      credentialsKey: secrets.credentialsKey.toString('base64'),
    }),
    { mode: 0o600 },
  );
  chmodSync(path, 0o600);
  return secrets;
}
