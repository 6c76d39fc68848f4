import { describe, expect, it } from 'vitest';
import { createCredentialsCheckLimit } from './credentials-check-limit';

describe('credentials check limit', () => {
  it('allows a few checks per user a minute and caps the whole server', () => {
    let now = 1_000_000;
    const limit = createCredentialsCheckLimit({ now: () => now, perUserPerMinute: 2, perServerPerMinute: 3 });
    expect([limit.take('a'), limit.take('a')]).toEqual([0, 0]);
    expect(limit.take('a')).toBe(60_000);
    expect(limit.take('b')).toBe(0);
    // The server's cap: three checks this minute, whoever asks.
    expect(limit.take('c')).toBe(60_000);
    now += 60_001;
    expect([limit.take('a'), limit.take('c')]).toEqual([0, 0]);
  });
});
