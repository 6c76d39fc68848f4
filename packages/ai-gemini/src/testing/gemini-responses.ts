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

/** A 429 RESOURCE_EXHAUSTED body as the free tier sends it, with `google.rpc.RetryInfo` when `retryDelay` is given (e.g. `"38s"`). */
export function geminiQuotaExceededBody(retryDelay?: string): Record<string, unknown> {
  const seconds = retryDelay ? ` Please retry in ${retryDelay}.` : '';
  return {
    error: {
      code: 429,
      message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash${seconds}`,
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
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
              quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
              quotaValue: '10',
            },
          ],
        },
        ...(retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : []),
      ],
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
