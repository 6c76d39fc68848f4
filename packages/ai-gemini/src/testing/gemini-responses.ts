/**
 * Response and error bodies in the Gemini REST API's real shapes (see the recorded fixtures in
 * packages/ai-gemini/fixtures and the API notes): what a fake server sends back.
 */

export interface GeminiUsageCounts {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

export interface AnswerBodyOptions {
  /** Default `STOP`. */
  finishReason?: string;
  /** Default gemini-2.5-flash. */
  modelVersion?: string;
  usage?: GeminiUsageCounts;
  /** Thought summaries sent before the answer (parts with `thought: true`). */
  thoughts?: string[];
}

/** A 200 body whose single candidate's text is `answer` (an object is sent as compact JSON, as Gemini does). */
export function geminiAnswerBody(
  answer: string | object,
  options: AnswerBodyOptions = {},
): Record<string, unknown> {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
  const usage = options.usage ?? { promptTokenCount: 812, candidatesTokenCount: 64 };
  const total =
    usage.totalTokenCount ??
    (usage.promptTokenCount ?? 0) + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
  return {
    candidates: [
      {
        content: {
          parts: [...(options.thoughts ?? []).map((thought) => ({ text: thought, thought: true })), { text }],
          role: 'model',
        },
        finishReason: options.finishReason ?? 'STOP',
        index: 0,
      },
    ],
    modelVersion: options.modelVersion ?? 'gemini-2.5-flash',
    responseId: 'gi77aIS0Gdux1e8P96XL4QY',
    usageMetadata: {
      ...usage,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.promptTokenCount ?? 0 }],
      totalTokenCount: total,
    },
  };
}

/*
 * 429 RESOURCE_EXHAUSTED bodies. Google documents the status (https://ai.google.dev/gemini-api/docs/troubleshooting:
 * "429 RESOURCE_EXHAUSTED: You've exceeded the rate limit"), the limits it enforces — requests per
 * minute, tokens per minute, requests per day, applied per project, per-day quotas reset at
 * midnight Pacific time (https://ai.google.dev/gemini-api/docs/rate-limits) — and the detail
 * messages: `google.rpc.QuotaFailure` (violations with `quotaMetric`, `quotaId`, `quotaDimensions`,
 * `quotaValue`) and `google.rpc.RetryInfo` (`retryDelay`, a Duration such as "38s"), in
 * googleapis/googleapis google/rpc/error_details.proto. The exact texts and ids below are those the
 * API sends (as seen in public reports of real responses); the tests depend only on the documented
 * fields.
 */

export interface QuotaBodyOptions {
  /** Default gemini-2.5-flash. */
  model?: string;
  /** The quota's value, e.g. 10 requests a minute or 250 a day on the free tier. */
  limit?: number;
  /** Free tier ids (`…-FreeTier`, `generate_content_free_tier_requests`), default true; false for a paid tier's ids. */
  freeTier?: boolean;
  /** Adds `google.rpc.RetryInfo` with this delay (e.g. `"38s"`). */
  retryDelay?: string;
}

function quotaBody(
  scope: 'minute' | 'day',
  options: QuotaBodyOptions,
  defaultLimit: number,
): Record<string, unknown> {
  const model = options.model ?? 'gemini-2.5-flash';
  const freeTier = options.freeTier ?? true;
  const limit = options.limit ?? defaultLimit;
  const metric = freeTier
    ? 'generativelanguage.googleapis.com/generate_content_free_tier_requests'
    : scope === 'day'
      ? 'generativelanguage.googleapis.com/generate_requests_per_model_per_day'
      : 'generativelanguage.googleapis.com/generate_requests_per_model';
  const quotaId = `GenerateRequestsPer${scope === 'day' ? 'Day' : 'Minute'}PerProjectPerModel${freeTier ? '-FreeTier' : ''}`;
  const retryDelay = options.retryDelay;
  const seconds = retryDelay ? `\nPlease retry in ${retryDelay}.` : '';
  return {
    error: {
      code: 429,
      message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: ${metric}, limit: ${limit}, model: ${model}${seconds}`,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [
            {
              description: 'Learn more about Gemini API quotas',
              url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
            },
          ],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: metric,
              quotaId,
              quotaDimensions: { location: 'global', model },
              quotaValue: String(limit),
            },
          ],
        },
        ...(retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : []),
      ],
    },
  };
}

/**
 * A per-minute quota's 429 (`GenerateRequestsPerMinutePerProjectPerModel-FreeTier`), with
 * `google.rpc.RetryInfo` when `retryDelay` is given (e.g. `"38s"`). A string argument is the delay.
 */
export function geminiQuotaExceededBody(options: string | QuotaBodyOptions = {}): Record<string, unknown> {
  const resolved = typeof options === 'string' ? { retryDelay: options } : options;
  return quotaBody('minute', resolved, 10);
}

/**
 * A per-day quota's 429 (`GenerateRequestsPerDayPerProjectPerModel-FreeTier`, 250 a day by default).
 * The API may still add a short RetryInfo (reported bodies carry e.g. `"22s"`): pass `retryDelay`
 * to test that a daily quota is not retried after it.
 */
export function geminiDailyQuotaExceededBody(options: QuotaBodyOptions = {}): Record<string, unknown> {
  return quotaBody('day', options, 250);
}

/** The bare 429 with no details at all (no QuotaFailure, no RetryInfo), as the API also answers. */
export function geminiResourceExhaustedBody(): Record<string, unknown> {
  return {
    error: {
      code: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      status: 'RESOURCE_EXHAUSTED',
    },
  };
}

export function geminiInternalErrorBody(): Record<string, unknown> {
  return {
    error: {
      code: 500,
      message:
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      status: 'INTERNAL',
    },
  };
}

export function geminiOverloadedBody(): Record<string, unknown> {
  return {
    error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
  };
}

export function geminiInvalidArgumentBody(
  message = 'Invalid JSON payload received.',
): Record<string, unknown> {
  return { error: { code: 400, message, status: 'INVALID_ARGUMENT' } };
}

/** What the API answers to a missing or wrong API key. */
export function geminiInvalidApiKeyBody(): Record<string, unknown> {
  return {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ],
    },
  };
}

export function geminiModelNotFoundBody(model: string, version: string): Record<string, unknown> {
  return {
    error: {
      code: 404,
      message: `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      status: 'NOT_FOUND',
    },
  };
}
