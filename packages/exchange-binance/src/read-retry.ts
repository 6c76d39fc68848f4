import { type Clock, type RateLimitedError, TrdError } from '@trd/core';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** First backoff delay, ms; doubled each attempt. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Retries a read (never an order placement) on retryable errors with exponential backoff on the
 * injected clock. A rate limit waits at least what Binance asked for.
 */
export async function retryRead<T>(
  clock: Clock,
  options: RetryOptions,
  read: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await read();
    } catch (error) {
      if (
        attempt >= attempts ||
        !TrdError.isInstance(error) ||
        !error.isRetryable ||
        error.code === 'CLOCK_SKEW'
      )
        throw error;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const retryAfterMs =
        error.code === 'RATE_LIMITED' ? (error as RateLimitedError).retryAfterMs : undefined;
      const delay = retryAfterMs === undefined ? backoff : Math.max(backoff, retryAfterMs);
      await clock.sleep(delay, signal);
    }
  }
}

/** Rejects as soon as `signal` aborts (ccxt calls cannot be cancelled, but the caller stops waiting). */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
