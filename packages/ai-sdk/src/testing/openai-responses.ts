/**
 * Bodies in the shapes of OpenAI's Chat Completions API, for the local fake and for tests.
 *
 * - The chat completion object: `id`, `object: 'chat.completion'`, `created` (Unix seconds),
 *   `model`, `choices[]` with `index`, `message { role: 'assistant', content, refusal }`,
 *   `logprobs`, `finish_reason` (`stop`, `length`, `content_filter`, `tool_calls`), and `usage`
 *   with `prompt_tokens`, `completion_tokens`, `total_tokens` and their `*_tokens_details`
 *   (https://platform.openai.com/docs/api-reference/chat/object).
 * - Errors: `{ "error": { "message", "type", "param", "code" } }` with the HTTP status, e.g. 401
 *   `invalid_api_key`, 404 `model_not_found`, 429 `rate_limit_exceeded` (type `requests`) or
 *   `insufficient_quota`, 500 `server_error`, 503 `server_is_overloaded`
 *   (https://platform.openai.com/docs/guides/error-codes). A 429 carries `retry-after` and the
 *   `x-ratelimit-*` headers (https://platform.openai.com/docs/guides/rate-limits).
 */

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

export interface ChatCompletionOptions {
  /** Default `gpt-4o-mini-2024-07-18`: the model version the API reports, not the alias asked. */
  model?: string;
  /** Default `stop`. */
  finishReason?: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  /** Default 1210 prompt and 71 completion tokens. */
  usage?: Partial<OpenAiUsage>;
  /** Default `chatcmpl-trd-fake-1`. */
  id?: string;
  /** Unix seconds; default 1,767,225,600 (2026-01-01). */
  created?: number;
}

/** A non-streamed chat completion whose assistant message is `content` (a string, or JSON of an object). */
export function openAiChatCompletion(content: string | object, options: ChatCompletionOptions = {}) {
  const prompt = options.usage?.prompt_tokens ?? 1_210;
  const completion = options.usage?.completion_tokens ?? 71;
  return {
    id: options.id ?? 'chatcmpl-trd-fake-1',
    object: 'chat.completion',
    created: options.created ?? 1_767_225_600,
    model: options.model ?? 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: typeof content === 'string' ? content : JSON.stringify(content),
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: options.finishReason ?? 'stop',
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: options.usage?.total_tokens ?? prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, ...options.usage?.prompt_tokens_details },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
        ...options.usage?.completion_tokens_details,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_trd_fake',
  };
}

/** An OpenAI error body. */
export function openAiErrorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** 401 for a wrong key; OpenAI quotes only the key's last four characters. */
export function openAiInvalidApiKeyBody(key: string) {
  return openAiErrorBody(
    `Incorrect API key provided: ${key.slice(0, 3)}*****${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

/** 404 for an unknown model. */
export function openAiModelNotFoundBody(model: string) {
  return openAiErrorBody(
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    'model_not_found',
  );
}

/** 429 for a per-minute request limit. */
export function openAiRateLimitBody(model = 'gpt-4o-mini', limit = 500) {
  return openAiErrorBody(
    `Rate limit reached for ${model} in organization org-trdfake on requests per min (RPM): Limit ${limit}, Used ${limit}, Requested 1. Please try again in 20s.`,
    'requests',
    'rate_limit_exceeded',
  );
}

/** 429 for an account out of credit: waiting does not help. */
export function openAiInsufficientQuotaBody() {
  return openAiErrorBody(
    'You exceeded your current quota, please check your plan and billing details.',
    'insufficient_quota',
    'insufficient_quota',
  );
}

/** 500 server error. */
export function openAiServerErrorBody() {
  return openAiErrorBody(
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
    null,
  );
}
