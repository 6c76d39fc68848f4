import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle';

describe('login throttle per username', () => {
  it('lets the first five failures through, then doubles the wait up to the cap', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfterMs('alice')).toBe(0);
      throttle.recordFailure('alice');
    }
    expect(throttle.retryAfterMs('alice')).toBe(1_000);
    now += 1_000;
    expect(throttle.retryAfterMs('alice')).toBe(0);
    throttle.recordFailure('alice');
    expect(throttle.retryAfterMs('alice')).toBe(2_000);
    for (let i = 0; i < 20; i++) throttle.recordFailure('alice');
    expect(throttle.retryAfterMs('alice')).toBe(60_000);
    // Another name is not slowed down.
    expect(throttle.retryAfterMs('bob')).toBe(0);
  });

  it('forgets a name after a success or 15 minutes without failures', () => {
    let now = 0;
    const throttle = createLoginThrottle({ now: () => now });
    for (let i = 0; i < 8; i++) throttle.recordFailure('alice');
    throttle.recordSuccess('alice');
    expect(throttle.retryAfterMs('alice')).toBe(0);
    for (let i = 0; i < 8; i++) throttle.recordFailure('carol');
    now += 15 * 60_000;
    expect(throttle.retryAfterMs('carol')).toBe(0);
  });

  it('tracks at most maxNames names', () => {
    const throttle = createLoginThrottle({ now: () => 0, maxNames: 3, freeFailures: 0 });
    for (const name of ['a', 'b', 'c', 'd']) throttle.recordFailure(name);
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('d')).toBeGreaterThan(0);
  });
});
