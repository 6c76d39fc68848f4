/**
 * Bodies and headers in the shapes of OpenAI's Chat Completions API, for the local fake and for
 * tests. Where each shape comes from:
 *
 * - The chat completion object (https://platform.openai.com/docs/api-reference/chat/object):
 *   `id`, `object` ("The object type, which is always chat.completion"), `created` ("The Unix
 *   timestamp (in seconds) of when the chat completion was created"), `model`, `choices[]` with
 *   `index`, `message { role: 'assistant', content, refusal }`, `logprobs` and `finish_reason`:
 *   "stop if the model hit a natural stop point or a provided stop sequence, length if the
 *   maximum number of tokens specified in the request was reached, content_filter if content was
 *   omitted due to a flag from our content filters, tool_calls if the model called a tool", and
 *   `usage` with `prompt_tokens`, `completion_tokens`, `total_tokens` and their
 *   `prompt_tokens_details` / `completion_tokens_details` (`reasoning_tokens`: "Tokens generated
 *   by the model for reasoning", counted in `completion_tokens`).
 * - Errors: the OpenAPI spec's `ErrorResponse` is `{ "error": Error }` with `Error` having
 *   `code` (string or null), `message` (string), `param` (string or null) and `type` (string),
 *   all required (https://github.com/openai/openai-openapi, `components.schemas.Error`). The
 *   statuses are those of the error-code guide (https://platform.openai.com/docs/guides/error-codes):
 *   "401 - Incorrect API key provided: The requesting API key is not correct", "429 - Rate limit
 *   reached for requests: You are sending requests too quickly", "429 - You exceeded your current
 *   quota, please check your plan and billing details: You have run out of credits or hit your
 *   maximum monthly spend", "500 - The server had an error while processing your request: Issue on
 *   our servers", and a 503 when the servers are overloaded (code `server_is_overloaded`) or ask
 *   clients to slow down (`slow_down`).
 *   The 400 messages follow the API's own wording for a missing, unknown or invalid parameter
 *   (`param` names the field, `code` is e.g. `missing_required_parameter`).
 * - Rate-limit headers (https://platform.openai.com/docs/guides/rate-limits, "Rate limits in
 *   headers"): `x-ratelimit-limit-requests` ("The maximum number of requests that are permitted
 *   before exhausting the rate limit", e.g. 60), `x-ratelimit-limit-tokens` (150000),
 *   `x-ratelimit-remaining-requests` (59), `x-ratelimit-remaining-tokens` (149984),
 *   `x-ratelimit-reset-requests` ("The time until the rate limit (based on requests) resets to its
 *   initial state", e.g. `1s`), `x-ratelimit-reset-tokens` (`6m0s`). A 429 also says how long to
 *   wait: `retry-after` (seconds, RFC 9110 section 10.2.3) and `retry-after-ms` (milliseconds; not
 *   a standard header, and OpenAI's own client reads it before `retry-after`: openai-node
 *   `src/client.ts`, `retryRequest`).
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

/** 400 for a required parameter left out, e.g. `messages`. */
export function openAiMissingParameterBody(param: string) {
  return openAiErrorBody(
    `Missing required parameter: '${param}'.`,
    'invalid_request_error',
    'missing_required_parameter',
    param,
  );
}

/** 400 for a parameter with a value the API does not take: `Invalid 'temperature': ...`. */
export function openAiInvalidParameterBody(param: string, detail: string, code: string | null) {
  return openAiErrorBody(`Invalid '${param}': ${detail}`, 'invalid_request_error', code, param);
}

/** 400 for a top-level key that is not a Create chat completion parameter. */
export function openAiUnknownParameterBody(key: string) {
  return openAiErrorBody(`Unrecognized request argument supplied: ${key}`, 'invalid_request_error', null);
}

/** 400 for a `json_schema` response format whose schema strict mode cannot take. */
export function openAiInvalidSchemaBody(name: string, problem: string) {
  return openAiErrorBody(
    `Invalid schema for response_format '${name}': ${problem}`,
    'invalid_request_error',
    null,
    'response_format',
  );
}

/** 401 for a request without an `Authorization: Bearer` header. */
export function openAiMissingApiKeyBody() {
  return openAiErrorBody(
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    'invalid_request_error',
    null,
  );
}

/** 503 when the service is overloaded. */
export function openAiOverloadedBody() {
  return openAiErrorBody(
    'The engine is currently overloaded, please try again later.',
    'server_error',
    'server_is_overloaded',
  );
}

/**
 * The headers of a 429: how long to wait (`retry-after` in seconds, `retry-after-ms`) and the
 * `x-ratelimit-*` state with nothing remaining. Leave a wait out to test a 429 that says nothing.
 */
export function openAiRateLimitHeaders(
  wait: { retryAfterSeconds?: number; retryAfterMs?: number } = {},
  limits: { requests?: number; tokens?: number } = {},
): Record<string, string> {
  const requests = limits.requests ?? 500;
  const tokens = limits.tokens ?? 200_000;
  const resetMs = wait.retryAfterMs ?? (wait.retryAfterSeconds ?? 0) * 1_000;
  return {
    ...(wait.retryAfterSeconds === undefined ? {} : { 'retry-after': String(wait.retryAfterSeconds) }),
    ...(wait.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(wait.retryAfterMs) }),
    'x-ratelimit-limit-requests': String(requests),
    'x-ratelimit-limit-tokens': String(tokens),
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-remaining-tokens': String(tokens),
    'x-ratelimit-reset-requests': resetMs >= 1_000 ? `${resetMs / 1_000}s` : `${resetMs}ms`,
    'x-ratelimit-reset-tokens': '0s',
  };
}

/** 500 server error. */
export function openAiServerErrorBody() {
  return openAiErrorBody(
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
    null,
  );
}
