import { ConfigError } from '@trd/core';
import {
  type AnswerCacheOptions,
  checkInteger,
  MODEL_CALL_DEFAULTS,
  type ModelCallOptions,
  type ModelPricing,
  type ResolvedModelCallOptions,
  resolveModelCallOptions,
} from '@trd/core/model-calls';

// Moved to core with the retry policy; re-exported so existing imports keep working.
export { ATTEMPTS_WITHIN_ANALYSIS, defaultAttemptTimeoutMs } from '@trd/core/model-calls';

/** The `cache` option: core's, the same for every model adapter. */
export type GeminiAnalyzerCacheOptions = AnswerCacheOptions;

/**
 * A model's prices in US dollars per million tokens (core's `ModelPricing`). Thinking tokens are
 * billed as output. Take them from https://ai.google.dev/gemini-api/docs/pricing for your model
 * and tier.
 */
export type GeminiPricing = ModelPricing;

/**
 * The Gemini analyzer's options: core's shared model-call options (time limits, retry policy,
 * shared queue, cache, pricing; see `ModelCallOptions`) plus Gemini's own.
 */
export interface GeminiAnalyzerOptions extends ModelCallOptions {
  /** Gemini API key (Google AI Studio). Sent only in the `x-goog-api-key` header; never logged or returned. */
  apiKey: string;
  /** Default `gemini-2.5-flash`, the reference bot's model. */
  model?: string;
  /** Default Google's endpoint; point it at a local fake in tests. */
  baseUrl?: string;
  /** Default `v1beta`. */
  apiVersion?: string;
  /**
   * Where the day of a per-day quota ends: a daily-quota 429 suspends the queue until the next
   * midnight there. Default `America/Los_Angeles` (Google: per-day quotas reset at midnight Pacific time).
   */
  dailyQuotaTimeZone?: string;
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
  /**
   * The model's prices, USD per million tokens; with them every signal's usage carries `costUsd`.
   * No default: the adapter cannot confirm the current prices (they change, and differ by tier), so
   * set them from https://ai.google.dev/gemini-api/docs/pricing.
   */
  pricing?: GeminiPricing;
}

export interface ResolvedGeminiAnalyzerOptions extends ResolvedModelCallOptions {
  apiKey: string;
  model: string;
  baseUrl: string | undefined;
  apiVersion: string;
  dailyQuotaTimeZone: string;
  thinkingBudget: number | null;
  temperature: number;
  maxOutputTokens: number | undefined;
}

export const GEMINI_ANALYZER_DEFAULTS = {
  ...MODEL_CALL_DEFAULTS,
  model: 'gemini-2.5-flash',
  apiVersion: 'v1beta',
  dailyQuotaTimeZone: 'America/Los_Angeles',
  requestsPerMinute: 10,
  thinkingBudget: 0,
  temperature: 0.2,
  answerTokens: 1_024,
} as const;

const WHO = 'createGeminiAnalyzer';

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
      : checkInteger(WHO, 'thinkingBudget', options.thinkingBudget ?? defaults.thinkingBudget, -1);
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw new ConfigError('createGeminiAnalyzer: baseUrl must be an http(s) URL');
  }
  const shared = resolveModelCallOptions(options, WHO, { requestsPerMinute: defaults.requestsPerMinute });
  const temperature = options.temperature ?? defaults.temperature;
  if (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2)) {
    throw new ConfigError('createGeminiAnalyzer: temperature must be between 0 and 2');
  }
  return {
    ...shared,
    apiKey: options.apiKey,
    model,
    baseUrl: options.baseUrl,
    apiVersion: options.apiVersion ?? defaults.apiVersion,
    dailyQuotaTimeZone: timeZone(options.dailyQuotaTimeZone ?? defaults.dailyQuotaTimeZone),
    thinkingBudget,
    temperature,
    maxOutputTokens:
      options.maxOutputTokens !== undefined
        ? checkInteger(WHO, 'maxOutputTokens', options.maxOutputTokens, 1)
        : thinkingBudget === -1
          ? undefined
          : defaults.answerTokens + Math.max(0, thinkingBudget ?? 0),
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
