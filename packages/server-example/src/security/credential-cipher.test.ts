import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCredentialCipher } from './credential-cipher';

const credentials = { apiKey: 'AKIAEXAMPLEKEY123', secret: 'SuperSecretValue987' };

describe('credential cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const cipher = createCredentialCipher(key);

  it('round-trips credentials and never stores them in clear', () => {
    const sealed = cipher.encrypt('user-1', credentials);
    expect(sealed).not.toContain(credentials.apiKey);
    expect(sealed).not.toContain(credentials.secret);
    expect(Buffer.from(sealed, 'utf8').toString()).not.toContain('Secret');
    expect(cipher.decrypt('user-1', sealed)).toEqual(credentials);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('user-1', credentials)).not.toBe(cipher.encrypt('user-1', credentials));
  });

  it("refuses another user's ciphertext, a tampered one and the wrong key", () => {
    const sealed = cipher.encrypt('user-1', credentials);
    expect(() => cipher.decrypt('user-2', sealed)).toThrow(/could not be decrypted/);
    const [v, iv, tag, body] = sealed.split(':');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.decrypt('user-1', [v, iv, tag, flipped.toString('base64')].join(':'))).toThrow(
      /could not be decrypted/,
    );
    expect(() => createCredentialCipher(randomBytes(32)).decrypt('user-1', sealed)).toThrow(
      /could not be decrypted/,
    );
    expect(() => cipher.decrypt('user-1', 'garbage')).toThrow(/unreadable/);
  });

  it('errors never carry the secret', () => {
    const sealed = cipher.encrypt('user-1', credentials);
    try {
      cipher.decrypt('user-2', sealed);
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(credentials.secret);
    }
  });

  it('requires a 32-byte key', () => {
    expect(() => createCredentialCipher(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('decrypts under the previous key during a rotation and reseals under the current one', () => {
    const oldKey = randomBytes(32);
    const sealedOld = createCredentialCipher(oldKey).encrypt('user-1', credentials);
    const newKey = randomBytes(32);
    const rotating = createCredentialCipher(newKey, { previousKey: oldKey });
    expect(rotating.decrypt('user-1', sealedOld)).toEqual(credentials);
    const resealed = rotating.reseal('user-1', sealedOld);
    expect(resealed).not.toBeNull();
    expect(rotating.reseal('user-1', resealed!)).toBeNull();
    // Under the new key alone: the old ciphertext is unreadable, the resealed one reads.
    const newOnly = createCredentialCipher(newKey);
    expect(() => newOnly.decrypt('user-1', sealedOld)).toThrow(/could not be decrypted/);
    expect(newOnly.decrypt('user-1', resealed!)).toEqual(credentials);
    expect(() => rotating.reseal('user-2', sealedOld)).toThrow(/could not be decrypted/);
  });
});
