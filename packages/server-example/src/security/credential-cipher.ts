import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ExchangeCredentials } from '@trd/core';
import { AuthenticationError, ConfigError } from '@trd/core';

const VERSION = 'v1';
const IV_LENGTH = 12;

/**
 * Encrypts users' exchange credentials at rest with AES-256-GCM under the server's key. The user
 * id is bound as additional data, so a ciphertext copied onto another user's row does not decrypt.
 * During a key rotation it also decrypts under the previous key (`CREDENTIALS_KEY_PREVIOUS`), and
 * `reseal` moves a ciphertext to the current key.
 */
export interface CredentialCipher {
  encrypt(userId: string, credentials: ExchangeCredentials): string;
  decrypt(userId: string, sealed: string): ExchangeCredentials;
  /**
   * The same credentials sealed under the current key, or `null` when `sealed` already is.
   * @throws AuthenticationError when no key opens it.
   */
  reseal(userId: string, sealed: string): string | null;
}

export function createCredentialCipher(
  key: Buffer,
  options: { previousKey?: Buffer } = {},
): CredentialCipher {
  const current = createSingleKeyCipher(key);
  const previous = options.previousKey ? createSingleKeyCipher(options.previousKey) : undefined;
  return {
    encrypt: current.encrypt,
    decrypt(userId, sealed) {
      try {
        return current.decrypt(userId, sealed);
      } catch (error) {
        // GCM's tag check fails fast under the wrong key: the previous one is tried only then.
        if (!previous) throw error;
        return previous.decrypt(userId, sealed);
      }
    },
    reseal(userId, sealed) {
      try {
        current.decrypt(userId, sealed);
        return null;
      } catch (error) {
        if (!previous) throw error;
        return current.encrypt(userId, previous.decrypt(userId, sealed));
      }
    },
  };
}

function createSingleKeyCipher(key: Buffer): Omit<CredentialCipher, 'reseal'> {
  if (key.length !== 32) throw new ConfigError('CREDENTIALS_KEY must be 32 bytes (AES-256)');
  return {
    encrypt(userId, credentials) {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(userId, 'utf8'));
      const plaintext = Buffer.from(
        JSON.stringify({ apiKey: credentials.apiKey, secret: credentials.secret }),
        'utf8',
      );
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(
        ':',
      );
    },
    decrypt(userId, sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || !ciphertext) {
        throw new AuthenticationError('stored exchange credentials are unreadable');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAAD(Buffer.from(userId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64')),
          decipher.final(),
        ]);
        const parsed = JSON.parse(plaintext.toString('utf8')) as ExchangeCredentials;
        return { apiKey: parsed.apiKey, secret: parsed.secret };
      } catch (error) {
        // Never include the plaintext or key material in the error.
        throw new AuthenticationError(
          'stored exchange credentials could not be decrypted (wrong key or tampered)',
          {
            cause: error instanceof Error ? new Error(error.message) : undefined,
          },
        );
      }
    },
  };
}
