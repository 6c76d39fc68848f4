import { type Clock, ConfigError, systemClock } from '@trd/core';
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
  /** Deadline of one attempt, ms. Default 30,000. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network failures. Default 3. */
  maxRetries?: number;
  /** First retry's backoff, ms, doubling each retry, with jitter. Default 1,000. */
  retryBaseDelayMs?: number;
  /** Longest backoff between attempts, ms. Default 30,000. */
  retryMaxDelayMs?: number;
  /** Longest wait asked by the service (a 429's RetryInfo) that is honoured; a longer one gives up at once. Default 60,000. */
  maxRetryAfterMs?: number;
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
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
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
  timeoutMs: 30_000,
  maxRetries: 3,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  concurrency: 4,
  requestsPerMinute: 10,
  thinkingBudget: 0,
  temperature: 0.2,
  answerTokens: 1_024,
} as const;

const CACHE_MODES = ['record', 'replay', 'record-replay'];

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
    timeoutMs: integer('timeoutMs', options.timeoutMs ?? defaults.timeoutMs, 1),
    maxRetries: integer('maxRetries', options.maxRetries ?? defaults.maxRetries, 0),
    retryBaseDelayMs: integer('retryBaseDelayMs', options.retryBaseDelayMs ?? defaults.retryBaseDelayMs, 0),
    retryMaxDelayMs: integer('retryMaxDelayMs', options.retryMaxDelayMs ?? defaults.retryMaxDelayMs, 0),
    maxRetryAfterMs: integer('maxRetryAfterMs', options.maxRetryAfterMs ?? defaults.maxRetryAfterMs, 0),
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
