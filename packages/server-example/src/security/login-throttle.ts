/**
 * Failed logins per username (not per client: an attacker spreads one name's guesses over many
 * addresses). OWASP's guidance: slow down rather than lock out, so the victim is never locked out
 * for long. The first `freeFailures` failures cost nothing; each further one doubles the wait
 * before the next attempt, from `baseDelayMs` up to `maxDelayMs`. A success, or `forgetAfterMs`
 * without failures, clears the name. At most `maxNames` names are tracked (oldest dropped), so a
 * flood of made-up names cannot grow memory without bound.
 */
export interface LoginThrottleOptions {
  now: () => number;
  freeFailures?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  forgetAfterMs?: number;
  maxNames?: number;
}

export interface LoginThrottle {
  /** Milliseconds before `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number;
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const freeFailures = options.freeFailures ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
  const maxNames = options.maxNames ?? 10_000;
  // Insertion order is age order: a failure re-inserts its name at the end.
  const failures = new Map<string, { count: number; lastAt: number }>();

  const current = (key: string) => {
    const entry = failures.get(key);
    if (entry && options.now() - entry.lastAt >= forgetAfterMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    retryAfterMs(key) {
      const entry = current(key);
      if (!entry || entry.count < freeFailures) return 0;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (entry.count - freeFailures));
      return Math.max(0, entry.lastAt + delay - options.now());
    },
    recordFailure(key) {
      const count = (current(key)?.count ?? 0) + 1;
      failures.delete(key);
      failures.set(key, { count, lastAt: options.now() });
      while (failures.size > maxNames) failures.delete(failures.keys().next().value as string);
    },
    recordSuccess(key) {
      failures.delete(key);
    },
  };
}
