import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hasher';

const cost = 2 ** 12; // the format and checks are what is tested here, not the default cost

describe('password hasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cost);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash and never contains the password', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password', cost),
      hashPassword('same password', cost),
    ]);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password');
    expect(a.split('$').slice(0, 4)).toEqual(['scrypt', String(cost), '8', '1']);
  });

  it('uses a memory-hard default cost (scrypt N = 2^15, 32 MiB)', async () => {
    const stored = await hashPassword('default cost');
    expect(stored.split('$')[1]).toBe(String(2 ** 15));
    expect(await verifyPassword('default cost', stored)).toBe(true);
  });

  it('treats unreadable or tampered hashes as a mismatch, not a crash', async () => {
    const stored = await hashPassword('pw-123456', cost);
    const parts = stored.split('$');
    const tampered = [...parts.slice(0, 5), Buffer.alloc(32, 1).toString('base64')].join('$');
    expect(await verifyPassword('pw-123456', tampered)).toBe(false);
    expect(await verifyPassword('pw-123456', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('pw-123456', 'scrypt$x$8$1$AAAA$AAAA')).toBe(false);
  });
});
