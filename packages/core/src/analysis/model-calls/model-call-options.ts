import type { Clock } from '../../clock/clock';
import { systemClock } from '../../clock/system-clock';
import { DEFAULT_ENGINE_SETTINGS } from '../../engine/settings';
import { ConfigError } from '../../errors';
import { type AnswerCacheOptions, CACHE_MODES } from './answer-cache';
import { type ModelPricing, resolveModelPricing } from './model-pricing';

/**
 * The options every model adapter shares: time limits, the retry policy, the shared queue, the
 * answer cache and pricing. An adapter's options extend these with its transport's own.
 */
export interface ModelCallOptions {
  /** Default the system clock; timeouts, retries and the rate limit all run on it. */
  clock?: Clock;
  /**
   * The time one `analyze` call may take in all, ms: set it to the engine's `analysisTimeoutMs`.
   * Attempts are cut to the time left in it, and a retry that cannot fit is not started (the call
   * fails with a `ModelUnavailableError` before the engine gives up on it). Default 30,000, the
   * engine's default.
   */
  analysisTimeoutMs?: number;
  /**
   * Deadline of one attempt, ms. Default `(analysisTimeoutMs − retryBaseDelayMs) / 2`, rounded down
   * (14,500 with the defaults): a first attempt that times out still leaves room for the longest
   * first backoff and one whole retry inside `analysisTimeoutMs`.
   */
  timeoutMs?: number;
  /** Retries after the first attempt on 408, 429, 5xx, timeouts and network failures. Default 3. */
  maxRetries?: number;
  /** First retry's backoff, ms, doubling each retry, with jitter. Default 1,000. */
  retryBaseDelayMs?: number;
  /** Longest backoff between attempts, ms. Default 30,000. */
  retryMaxDelayMs?: number;
  /**
   * Longest wait asked by the service (a 429's RetryInfo or `retry-after`) that queued calls wait
   * out; a longer one fails the call at once and suspends the queue (every call fails fast) for
   * that long. Default 60,000.
   */
  maxRetryAfterMs?: number;
  /**
   * A 429 that says nothing of when to retry suspends the queue for this long, ms, doubling with
   * each such 429 in a row (with jitter) up to `quotaBackoffMaxMs`; an answer resets it. Default 15,000.
   */
  quotaBackoffBaseMs?: number;
  /** Longest suspension after 429s that say nothing of when to retry, ms. Default 600,000 (10 min). */
  quotaBackoffMaxMs?: number;
  /** Requests in flight at once, across all users of this analyzer. Default 4. */
  concurrency?: number;
  /** Requests started in any 60 s window, across all users of this analyzer (retries included). */
  requestsPerMinute?: number;
  /** Farthest an answer's entry may be from the market price, percent; passed to core's `sanitizeSignal`. Default core's (5). */
  maxEntryDeviationPercent?: number;
  /** Record/replay of answers keyed by the prompt's hash. */
  cache?: AnswerCacheOptions;
  /**
   * The model's prices, USD per million tokens; with them every signal's usage carries `costUsd`.
   * No default: set them from the provider's pricing page.
   */
  pricing?: ModelPricing;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface ResolvedModelCallOptions {
  clock: Clock;
  analysisTimeoutMs: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  quotaBackoffBaseMs: number;
  quotaBackoffMaxMs: number;
  concurrency: number;
  requestsPerMinute: number;
  maxEntryDeviationPercent: number | undefined;
  cache: Required<AnswerCacheOptions> | undefined;
  pricing: ModelPricing | undefined;
  random: () => number;
}

/** The shared defaults; an adapter may set its own `requestsPerMinute` (its service's usual limit). */
export const MODEL_CALL_DEFAULTS = {
  analysisTimeoutMs: DEFAULT_ENGINE_SETTINGS.analysisTimeoutMs,
  maxRetries: 3,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  quotaBackoffBaseMs: 15_000,
  quotaBackoffMaxMs: 600_000,
  concurrency: 4,
  requestsPerMinute: 10,
} as const;

/** Attempts the default per-attempt timeout fits into `analysisTimeoutMs`: the first and one retry. */
export const ATTEMPTS_WITHIN_ANALYSIS = 2;

/**
 * The default per-attempt timeout: `(analysisTimeoutMs − retryBaseDelayMs) / ATTEMPTS_WITHIN_ANALYSIS`,
 * rounded down. The first backoff is at most `retryBaseDelayMs`, so an attempt that times out, the
 * backoff and one more whole attempt fit in the analysis timeout.
 */
export function defaultAttemptTimeoutMs(analysisTimeoutMs: number, retryBaseDelayMs: number): number {
  return Math.floor((analysisTimeoutMs - retryBaseDelayMs) / ATTEMPTS_WITHIN_ANALYSIS);
}

/**
 * Fills in the shared defaults and refuses bad settings with a `ConfigError` whose message starts
 * with `who` (the adapter's factory, e.g. `createGeminiAnalyzer`). `defaults` overrides the shared
 * defaults for one adapter.
 */
export function resolveModelCallOptions(
  options: ModelCallOptions,
  who: string,
  defaults: Partial<Record<keyof typeof MODEL_CALL_DEFAULTS, number>> = {},
): ResolvedModelCallOptions {
  const fallback = { ...MODEL_CALL_DEFAULTS, ...defaults };
  const integer = (name: string, value: unknown, minimum: number) => checkInteger(who, name, value, minimum);
  const cache = options.cache;
  if (cache !== undefined) {
    if (typeof cache.store?.get !== 'function' || typeof cache.store?.set !== 'function') {
      throw new ConfigError(`${who}: cache.store must be an AnswerCache (get and set)`);
    }
    if (!CACHE_MODES.includes(cache.mode)) {
      throw new ConfigError(`${who}: cache.mode must be one of ${CACHE_MODES.join(', ')}`);
    }
    if (cache.replayMiss !== undefined && cache.replayMiss !== 'hold' && cache.replayMiss !== 'error') {
      throw new ConfigError(`${who}: cache.replayMiss must be hold or error`);
    }
  }
  const analysisTimeoutMs = integer(
    'analysisTimeoutMs',
    options.analysisTimeoutMs ?? fallback.analysisTimeoutMs,
    1,
  );
  const retryBaseDelayMs = integer(
    'retryBaseDelayMs',
    options.retryBaseDelayMs ?? fallback.retryBaseDelayMs,
    0,
  );
  const timeoutMs =
    options.timeoutMs !== undefined
      ? integer('timeoutMs', options.timeoutMs, 1)
      : defaultAttemptTimeoutMs(analysisTimeoutMs, retryBaseDelayMs);
  if (timeoutMs < 1) {
    throw new ConfigError(
      `${who}: analysisTimeoutMs (${analysisTimeoutMs}) leaves no time for an attempt after retryBaseDelayMs (${retryBaseDelayMs}); raise it or set timeoutMs`,
    );
  }
  return {
    clock: options.clock ?? systemClock,
    analysisTimeoutMs,
    timeoutMs,
    maxRetries: integer('maxRetries', options.maxRetries ?? fallback.maxRetries, 0),
    retryBaseDelayMs,
    retryMaxDelayMs: integer('retryMaxDelayMs', options.retryMaxDelayMs ?? fallback.retryMaxDelayMs, 0),
    maxRetryAfterMs: integer('maxRetryAfterMs', options.maxRetryAfterMs ?? fallback.maxRetryAfterMs, 0),
    quotaBackoffBaseMs: integer(
      'quotaBackoffBaseMs',
      options.quotaBackoffBaseMs ?? fallback.quotaBackoffBaseMs,
      1,
    ),
    quotaBackoffMaxMs: integer(
      'quotaBackoffMaxMs',
      options.quotaBackoffMaxMs ?? fallback.quotaBackoffMaxMs,
      1,
    ),
    concurrency: integer('concurrency', options.concurrency ?? fallback.concurrency, 1),
    requestsPerMinute: integer(
      'requestsPerMinute',
      options.requestsPerMinute ?? fallback.requestsPerMinute,
      1,
    ),
    maxEntryDeviationPercent: positiveNumber(
      who,
      'maxEntryDeviationPercent',
      options.maxEntryDeviationPercent,
    ),
    cache:
      cache === undefined
        ? undefined
        : { store: cache.store, mode: cache.mode, replayMiss: cache.replayMiss ?? 'hold' },
    pricing: resolveModelPricing(options.pricing, who),
    random: options.random ?? Math.random,
  };
}

/** An integer option >= `minimum`, or a `ConfigError` naming it. */
export function checkInteger(who: string, name: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ConfigError(`${who}: ${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
  return value;
}

function positiveNumber(who: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${who}: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
