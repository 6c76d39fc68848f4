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

/**
 * The wait an HTTP answer asks for, ms, from its headers (names in lower case, as fetch gives
 * them): `retry-after-ms` (milliseconds, sent by OpenAI and Azure OpenAI) first, else
 * `retry-after` as delay-seconds or an HTTP-date (RFC 9110, section 10.2.3), measured from `now`
 * (Unix ms). A date in the past is 0; absent or unreadable headers give undefined.
 */
export function retryAfterFromHeaders(
  headers: Record<string, string | undefined> | undefined,
  now: number,
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers['retry-after-ms']?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Math.ceil(Number(milliseconds));
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
