/**
 * How often keys may be checked against the venue. Each check costs the server's IP request
 * weight (Binance: 21 of 6,000 a minute, shared by every user's trading), so a user cannot spend
 * it for everyone: a few checks per user a minute, and a cap for the whole server.
 */
export interface CredentialsCheckLimit {
  /** Counts one check now; returns ms until one is allowed when over a limit, else 0. */
  take(userId: string): number;
}

export function createCredentialsCheckLimit(options: {
  now: () => number;
  perUserPerMinute?: number;
  perServerPerMinute?: number;
}): CredentialsCheckLimit {
  const perUser = options.perUserPerMinute ?? 5;
  const perServer = options.perServerPerMinute ?? 60;
  const windowMs = 60_000;
  const byUser = new Map<string, number[]>();
  let all: number[] = [];
  const recent = (times: number[], now: number) => times.filter((time) => time > now - windowMs);
  return {
    take(userId) {
      const now = options.now();
      all = recent(all, now);
      const mine = recent(byUser.get(userId) ?? [], now);
      byUser.set(userId, mine);
      const full = mine.length >= perUser ? mine : all.length >= perServer ? all : undefined;
      if (full) return Math.max(1, (full[0] ?? now) + windowMs - now);
      mine.push(now);
      all.push(now);
      return 0;
    },
  };
}
