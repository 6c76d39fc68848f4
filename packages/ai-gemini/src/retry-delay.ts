export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseDelayMs: number;
  /** Longest delay between attempts, ms. */
  maxDelayMs: number;
  /** A number in [0, 1); injected so tests can pin the jitter. */
  random: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): exponential backoff with "equal
 * jitter" — half the delay is fixed, half random — so many clients that failed together do not
 * retry together, yet nobody retries immediately.
 */
export function backoffDelayMs(retry: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const half = ceiling / 2;
  return Math.round(half + half * options.random());
}

/**
 * Parses a protobuf `Duration` in its JSON form (`"38s"`, `"45.837906927s"`, `"0.5s"`) into ms.
 * Returns undefined for anything else.
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  if (!match) return undefined;
  return Math.ceil(Number(match[1]) * 1000);
}
