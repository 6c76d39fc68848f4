import { type Clock, ConfigError, DEFAULT_ENGINE_SETTINGS, systemClock } from '@trd/core';
import type { AnswerCache, CacheMode } from './cache/answer-cache';

export interface GeminiAnalyzerCacheOptions {
  /** Where answers are recorded: `createMemoryAnswerCache()` or `createJsonFileAnswerCache(path)`. */
  store: AnswerCache;
  mode: CacheMode;
  /**
   * In `replay` mode, what a prompt with no recorded answer gives: `hold` (default) a hold whose
   * reason says so, `error` a `GeminiUnavailableError` (for backtests that must be fully recorded).
   */
  replayMiss?: 'hold' | 'error';
}

/**
 * A model's prices in US dollars per million tokens, to put a cost on each signal. Thinking tokens
 * are billed as output. Take them from https://ai.google.dev/gemini-api/docs/pricing for your
 * model and tier.
 */
export interface GeminiPricing {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

export interface GeminiAnalyzerOptions {
  /** Gemini API key (Google AI Studio). Sent only in the `x-goog-api-key` header; never logged or returned. */
  apiKey: string;
  /** Default `gemini-2.5-flash`, the reference bot's model. */
  model?: string;
  /** Default Google's endpoint; point it at a local fake in tests. */
  baseUrl?: string;
  /** Default `v1beta`. */
  apiVersion?: string;
  /** Default the system clock; timeouts, retries and the rate limit all run on it. */
  clock?: Clock;
  /**
   * The time one `analyze` call may take in all, ms: set it to the engine's `analysisTimeoutMs`.
   * Attempts are cut to the time left in it, and a retry that cannot fit is not started (the call
   * fails with `GeminiUnavailableError` before the engine gives up on it). Default 30,000, the
   * engine's default.
   */
  analysisTimeoutMs?: number;
  /**
   * Deadline of one attempt, ms. Default `(analysisTimeoutMs − retryBaseDelayMs) / 2`, rounded down
   * (14,500 with the defaults): a first attempt that times out still leaves room for the longest
   * first backoff and one whole retry inside `analysisTimeoutMs`.
   */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network failures. Default 3. */
  maxRetries?: number;
  /** First retry's backoff, ms, doubling each retry, with jitter. Default 1,000. */
  retryBaseDelayMs?: number;
  /** Longest backoff between attempts, ms. Default 30,000. */
  retryMaxDelayMs?: number;
  /**
   * Longest wait asked by the service (a 429's RetryInfo) that queued calls wait out; a longer one
   * fails the call at once and suspends the queue (every call fails fast) for that long. Default 60,000.
   */
  maxRetryAfterMs?: number;
  /**
   * A 429 that says nothing of when to retry (no RetryInfo, not a daily quota) suspends the queue
   * for this long, ms, doubling with each such 429 in a row (with jitter) up to `quotaBackoffMaxMs`;
   * an answer resets it. Default 15,000.
   */
  quotaBackoffBaseMs?: number;
  /** Longest suspension after 429s without RetryInfo, ms. Default 600,000 (10 min). */
  quotaBackoffMaxMs?: number;
  /**
   * Where the day of a per-day quota ends: a daily-quota 429 suspends the queue until the next
   * midnight there. Default `America/Los_Angeles` (Google: per-day quotas reset at midnight Pacific time).
   */
  dailyQuotaTimeZone?: string;
  /** Requests in flight at once, across all users of this analyzer. Default 4. */
  concurrency?: number;
  /** Requests started in any 60 s window, across all users of this analyzer (retries included). Default 10, the free tier's limit for gemini-2.5-flash. */
  requestsPerMinute?: number;
  /**
   * Thinking tokens allowed; 0 (default) turns thinking off, -1 lets the model decide, `null` sends
   * no thinking setting at all (for models without thinking, such as gemini-2.0-flash).
   */
  thinkingBudget?: number | null;
  /** Default 0.2: answers should be repeatable more than creative. */
  temperature?: number;
  /** Output token limit, thinking included. Default 1,024 plus the thinking budget; unset when the budget is -1. */
  maxOutputTokens?: number;
  /** Farthest an answer's entry may be from the market price, percent; passed to core's `sanitizeSignal`. Default core's (5). */
  maxEntryDeviationPercent?: number;
  /** Record/replay of answers keyed by the prompt's hash. */
  cache?: GeminiAnalyzerCacheOptions;
  /**
   * The model's prices, USD per million tokens; with them every signal's usage carries `costUsd`.
   * No default: the adapter cannot confirm the current prices (they change, and differ by tier), so
   * set them from https://ai.google.dev/gemini-api/docs/pricing.
   */
  pricing?: GeminiPricing;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface ResolvedGeminiAnalyzerOptions {
  apiKey: string;
  model: string;
  baseUrl: string | undefined;
  apiVersion: string;
  clock: Clock;
  analysisTimeoutMs: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  quotaBackoffBaseMs: number;
  quotaBackoffMaxMs: number;
  dailyQuotaTimeZone: string;
  concurrency: number;
  requestsPerMinute: number;
  thinkingBudget: number | null;
  temperature: number;
  maxOutputTokens: number | undefined;
  maxEntryDeviationPercent: number | undefined;
  cache: Required<GeminiAnalyzerCacheOptions> | undefined;
  pricing: GeminiPricing | undefined;
  random: () => number;
}

export const GEMINI_ANALYZER_DEFAULTS = {
  model: 'gemini-2.5-flash',
  apiVersion: 'v1beta',
  analysisTimeoutMs: DEFAULT_ENGINE_SETTINGS.analysisTimeoutMs,
  maxRetries: 3,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  quotaBackoffBaseMs: 15_000,
  quotaBackoffMaxMs: 600_000,
  dailyQuotaTimeZone: 'America/Los_Angeles',
  concurrency: 4,
  requestsPerMinute: 10,
  thinkingBudget: 0,
  temperature: 0.2,
  answerTokens: 1_024,
} as const;

const CACHE_MODES = ['record', 'replay', 'record-replay'];

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

/** Fills in defaults and refuses bad settings with a `ConfigError` (which never quotes the API key). */
export function resolveGeminiAnalyzerOptions(options: GeminiAnalyzerOptions): ResolvedGeminiAnalyzerOptions {
  if (typeof options?.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new ConfigError('createGeminiAnalyzer: apiKey is required (a Gemini API key)');
  }
  const defaults = GEMINI_ANALYZER_DEFAULTS;
  const model = options.model ?? defaults.model;
  if (typeof model !== 'string' || !/^[\w.-]+$/.test(model)) {
    throw new ConfigError('createGeminiAnalyzer: model must be a model name such as gemini-2.5-flash');
  }
  const thinkingBudget =
    options.thinkingBudget === null
      ? null
      : integer('thinkingBudget', options.thinkingBudget ?? defaults.thinkingBudget, -1);
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw new ConfigError('createGeminiAnalyzer: baseUrl must be an http(s) URL');
  }
  const cache = options.cache;
  if (cache !== undefined) {
    if (typeof cache.store?.get !== 'function' || typeof cache.store?.set !== 'function') {
      throw new ConfigError('createGeminiAnalyzer: cache.store must be an AnswerCache (get and set)');
    }
    if (!CACHE_MODES.includes(cache.mode)) {
      throw new ConfigError(`createGeminiAnalyzer: cache.mode must be one of ${CACHE_MODES.join(', ')}`);
    }
    if (cache.replayMiss !== undefined && cache.replayMiss !== 'hold' && cache.replayMiss !== 'error') {
      throw new ConfigError('createGeminiAnalyzer: cache.replayMiss must be hold or error');
    }
  }
  const analysisTimeoutMs = integer(
    'analysisTimeoutMs',
    options.analysisTimeoutMs ?? defaults.analysisTimeoutMs,
    1,
  );
  const retryBaseDelayMs = integer(
    'retryBaseDelayMs',
    options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
    0,
  );
  const timeoutMs =
    options.timeoutMs !== undefined
      ? integer('timeoutMs', options.timeoutMs, 1)
      : defaultAttemptTimeoutMs(analysisTimeoutMs, retryBaseDelayMs);
  if (timeoutMs < 1) {
    throw new ConfigError(
      `createGeminiAnalyzer: analysisTimeoutMs (${analysisTimeoutMs}) leaves no time for an attempt after retryBaseDelayMs (${retryBaseDelayMs}); raise it or set timeoutMs`,
    );
  }
  const temperature = options.temperature ?? defaults.temperature;
  if (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2)) {
    throw new ConfigError('createGeminiAnalyzer: temperature must be between 0 and 2');
  }
  return {
    apiKey: options.apiKey,
    model,
    baseUrl: options.baseUrl,
    apiVersion: options.apiVersion ?? defaults.apiVersion,
    clock: options.clock ?? systemClock,
    analysisTimeoutMs,
    timeoutMs,
    maxRetries: integer('maxRetries', options.maxRetries ?? defaults.maxRetries, 0),
    retryBaseDelayMs,
    retryMaxDelayMs: integer('retryMaxDelayMs', options.retryMaxDelayMs ?? defaults.retryMaxDelayMs, 0),
    maxRetryAfterMs: integer('maxRetryAfterMs', options.maxRetryAfterMs ?? defaults.maxRetryAfterMs, 0),
    quotaBackoffBaseMs: integer(
      'quotaBackoffBaseMs',
      options.quotaBackoffBaseMs ?? defaults.quotaBackoffBaseMs,
      1,
    ),
    quotaBackoffMaxMs: integer(
      'quotaBackoffMaxMs',
      options.quotaBackoffMaxMs ?? defaults.quotaBackoffMaxMs,
      1,
    ),
    dailyQuotaTimeZone: timeZone(options.dailyQuotaTimeZone ?? defaults.dailyQuotaTimeZone),
    concurrency: integer('concurrency', options.concurrency ?? defaults.concurrency, 1),
    requestsPerMinute: integer(
      'requestsPerMinute',
      options.requestsPerMinute ?? defaults.requestsPerMinute,
      1,
    ),
    thinkingBudget,
    temperature,
    maxOutputTokens:
      options.maxOutputTokens !== undefined
        ? integer('maxOutputTokens', options.maxOutputTokens, 1)
        : thinkingBudget === -1
          ? undefined
          : defaults.answerTokens + Math.max(0, thinkingBudget ?? 0),
    maxEntryDeviationPercent: positiveNumber('maxEntryDeviationPercent', options.maxEntryDeviationPercent),
    cache:
      cache === undefined
        ? undefined
        : { store: cache.store, mode: cache.mode, replayMiss: cache.replayMiss ?? 'hold' },
    pricing: resolvePricing(options.pricing),
    random: options.random ?? Math.random,
  };
}

function resolvePricing(pricing: unknown): GeminiPricing | undefined {
  if (pricing === undefined) return undefined;
  const { inputPerMillionTokens, outputPerMillionTokens } = (pricing ?? {}) as Partial<GeminiPricing>;
  for (const [name, value] of [
    ['inputPerMillionTokens', inputPerMillionTokens],
    ['outputPerMillionTokens', outputPerMillionTokens],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ConfigError(
        `createGeminiAnalyzer: pricing.${name} must be a number >= 0 (USD per million tokens), got ${String(value)}`,
      );
    }
  }
  return {
    inputPerMillionTokens: inputPerMillionTokens as number,
    outputPerMillionTokens: outputPerMillionTokens as number,
  };
}

function timeZone(value: unknown): string {
  try {
    if (typeof value !== 'string') throw new RangeError('not a string');
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value;
  } catch {
    throw new ConfigError(
      `createGeminiAnalyzer: dailyQuotaTimeZone must be an IANA time zone such as America/Los_Angeles, got ${String(value)}`,
    );
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function positiveNumber(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`createGeminiAnalyzer: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function integer(name: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ConfigError(
      `createGeminiAnalyzer: ${name} must be an integer >= ${minimum}, got ${String(value)}`,
    );
  }
  return value;
}
