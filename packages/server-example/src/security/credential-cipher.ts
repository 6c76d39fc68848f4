import type { ExchangeCredentials } from '@trd/core';
import { createTextSealer } from './sealed-text';

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
  const sealer = createTextSealer(key, { what: 'exchange credentials' });
  return {
    encrypt: (userId, credentials) =>
      sealer.seal(userId, JSON.stringify({ apiKey: credentials.apiKey, secret: credentials.secret })),
    decrypt(userId, sealed) {
      const parsed = JSON.parse(sealer.open(userId, sealed)) as ExchangeCredentials;
      return { apiKey: parsed.apiKey, secret: parsed.secret };
    },
  };
}
