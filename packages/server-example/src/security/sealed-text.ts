import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AuthenticationError, ConfigError } from '@trd/core';

const VERSION = 'v1';
const IV_LENGTH = 12;

/**
 * Text sealed at rest with AES-256-GCM under the server's `CREDENTIALS_KEY`, bound to the user (and
 * to `purpose`, when given) as additional data: a ciphertext copied onto another user's row, or
 * into another column, does not open. `what` names it in errors.
 */
export interface TextSealer {
  seal(userId: string, text: string): string;
  open(userId: string, sealed: string): string;
}

export function createTextSealer(key: Buffer, options: { what: string; purpose?: string }): TextSealer {
  if (key.length !== 32) throw new ConfigError('CREDENTIALS_KEY must be 32 bytes (AES-256)');
  const { what, purpose } = options;
  // The exchange credentials predate `purpose`: their additional data is the user id alone.
  const aad = (userId: string) => Buffer.from(purpose ? `${purpose}:${userId}` : userId, 'utf8');
  return {
    seal(userId, text) {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(userId));
      const ciphertext = Buffer.concat([cipher.update(Buffer.from(text, 'utf8')), cipher.final()]);
      return [
        VERSION,
        iv.toString('base64'),
        cipher.getAuthTag().toString('base64'),
        ciphertext.toString('base64'),
      ].join(':');
    },
    open(userId, sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || !ciphertext)
        throw new AuthenticationError(`stored ${what} are unreadable`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAAD(aad(userId));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        // Never the plaintext or key material in the error.
        throw new AuthenticationError(`stored ${what} could not be decrypted (wrong key or tampered)`, {
          cause: error instanceof Error ? new Error(error.message) : undefined,
        });
      }
    },
  };
}
