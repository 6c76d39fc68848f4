import {
  openAiInvalidParameterBody,
  openAiInvalidSchemaBody,
  openAiMissingParameterBody,
  openAiUnknownParameterBody,
} from './openai-responses';

/**
 * The request body of a non-streamed Chat Completions call, `POST /v1/chat/completions`
 * (https://platform.openai.com/docs/api-reference/chat/create). The reference lists two required
 * fields, "messages array Required ... A list of messages comprising the conversation so far" and
 * "model string Required ... Model ID used to generate the response, like gpt-4o or o3", and
 * describes `response_format`: "Setting to { "type": "json_schema", "json_schema": {...} }
 * enables Structured Outputs which ensures the model will match your supplied JSON schema."
 */
export interface ChatCompletionRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
  response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: { name?: string; description?: string; schema?: unknown; strict?: boolean };
  };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  [key: string]: unknown;
}

/** Why the fake refuses a request: OpenAI's status and error body. */
export interface RequestRefusal {
  status: number;
  body: ReturnType<typeof openAiMissingParameterBody>;
}

/**
 * The request body parameters of Create chat completion, as the API reference lists them
 * (https://platform.openai.com/docs/api-reference/chat/create). Any other top-level key is refused,
 * as the API refuses it ("Unrecognized request argument supplied").
 */
export const CHAT_COMPLETION_PARAMETERS: ReadonlySet<string> = new Set([
  'messages',
  'model',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/** "system", "developer", "user", "assistant", "tool" and the deprecated "function" message. */
const MESSAGE_ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

/**
 * Checks a request as the API does before it runs the model, so a client the real API would
 * refuse is refused here too (status 400, `invalid_request_error`, `param` naming the field).
 * Returns undefined for a request the fake serves. The model (404 `model_not_found`) is checked by
 * the server, which knows its models.
 */
export function checkChatRequest(body: ChatCompletionRequestBody): RequestRefusal | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(openAiInvalidParameterBody('body', 'Expected an object.', null));
  }
  for (const key of Object.keys(body)) {
    if (!CHAT_COMPLETION_PARAMETERS.has(key)) return refuse(openAiUnknownParameterBody(key));
  }
  if (typeof body.model !== 'string' || body.model === '') {
    // The API's wording for a request without a model.
    return refuse({
      error: {
        message: 'you must provide a model parameter',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  }
  if (body.messages === undefined) return refuse(openAiMissingParameterBody('messages'));
  if (!Array.isArray(body.messages)) {
    return refuse(openAiInvalidParameterBody('messages', 'Expected an array.', 'invalid_type'));
  }
  if (body.messages.length === 0) {
    return refuse(
      openAiInvalidParameterBody(
        'messages',
        'empty array. Expected an array with minimum length 1, but got an empty array instead.',
        'empty_array',
      ),
    );
  }
  for (const [index, message] of body.messages.entries()) {
    if (!MESSAGE_ROLES.includes(String(message?.role))) {
      return refuse(
        openAiInvalidParameterBody(
          `messages[${index}].role`,
          `Invalid value: '${String(message?.role)}'. Supported values are: ${MESSAGE_ROLES.map((role) => `'${role}'`).join(', ')}.`,
          'invalid_value',
        ),
      );
    }
    if (message.content === undefined && message.role !== 'assistant') {
      return refuse(openAiMissingParameterBody(`messages[${index}].content`));
    }
  }
  if (body.stream === true) {
    // Not the API's limit but this fake's: it answers whole completions only.
    return refuse(
      openAiInvalidParameterBody('stream', 'the local fake does not stream; send stream: false.', null),
    );
  }
  const temperature = body.temperature;
  if (temperature !== undefined && temperature !== null) {
    if (typeof temperature !== 'number') {
      return refuse(openAiInvalidParameterBody('temperature', 'Expected a number.', 'invalid_type'));
    }
    // "temperature number Optional Defaults to 1: What sampling temperature to use, between 0 and 2."
    if (temperature < 0 || temperature > 2) {
      return refuse(
        openAiInvalidParameterBody(
          'temperature',
          `decimal ${temperature < 0 ? 'below minimum' : 'above maximum'} value. Expected a value ${temperature < 0 ? '>= 0' : '<= 2'}, but got ${temperature} instead.`,
          temperature < 0 ? 'decimal_below_min_value' : 'decimal_above_max_value',
        ),
      );
    }
  }
  for (const name of ['max_tokens', 'max_completion_tokens'] as const) {
    const limit = body[name];
    if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && limit >= 1)) {
      return refuse(
        openAiInvalidParameterBody(
          name,
          `integer below minimum value. Expected a value >= 1, but got ${String(limit)} instead.`,
          'integer_below_min_value',
        ),
      );
    }
  }
  return checkResponseFormat(body);
}

/**
 * `response_format` is one of `{ type: 'text' }`, `{ type: 'json_object' }` or
 * `{ type: 'json_schema', json_schema: { name, description?, schema?, strict? } }`, where "name
 * string Required: The name of the response format. Must be a-z, A-Z, 0-9, or contain underscores
 * and dashes, with a maximum length of 64." With `strict: true` the schema must be in the subset
 * Structured Outputs supports (https://platform.openai.com/docs/guides/structured-outputs,
 * "Supported schemas"): "the root level object must be an object", "All fields must be required",
 * "additionalProperties: false must always be set in objects". JSON mode needs the word "JSON" in
 * the messages ("When using JSON mode, you must always instruct the model to produce JSON").
 */
function checkResponseFormat(body: ChatCompletionRequestBody): RequestRefusal | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  const types = ['json_object', 'json_schema', 'text'];
  if (typeof format !== 'object' || !types.includes(String(format.type))) {
    return refuse(
      openAiInvalidParameterBody(
        'response_format.type',
        `Invalid value: '${String((format as { type?: unknown })?.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
        'invalid_value',
      ),
    );
  }
  if (format.type === 'json_object') {
    const mentionsJson = (body.messages ?? []).some((message) =>
      /json/i.test(typeof message.content === 'string' ? message.content : JSON.stringify(message.content)),
    );
    if (!mentionsJson) {
      return refuse(
        openAiInvalidParameterBody(
          'messages',
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          null,
        ),
      );
    }
    return undefined;
  }
  if (format.type !== 'json_schema') return undefined;
  const jsonSchema = format.json_schema;
  if (jsonSchema === undefined || jsonSchema === null) {
    return refuse(openAiMissingParameterBody('response_format.json_schema'));
  }
  if (jsonSchema.name === undefined)
    return refuse(openAiMissingParameterBody('response_format.json_schema.name'));
  if (typeof jsonSchema.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(jsonSchema.name)) {
    return refuse(
      openAiInvalidParameterBody(
        'response_format.json_schema.name',
        "string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.",
        'invalid_value',
      ),
    );
  }
  if (jsonSchema.strict === true) {
    const problem = strictSchemaProblem(jsonSchema.schema, []);
    if (problem) return refuse(openAiInvalidSchemaBody(jsonSchema.name, problem));
  }
  return undefined;
}

/**
 * The first reason `schema` is outside Structured Outputs' strict subset, worded as the API words
 * it (`In context=('properties', 'x'), ...`), or undefined.
 */
export function strictSchemaProblem(schema: unknown, context: string[]): string | undefined {
  const where = `In context=(${context.map((part) => `'${part}'`).join(', ')})`;
  if (typeof schema !== 'object' || schema === null) return `${where}, schema must be a JSON Schema object.`;
  const node = schema as Record<string, unknown>;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (context.length === 0 && !types.includes('object')) {
    return `${where}, schema must be a JSON Schema of 'type: "object"', got 'type: "${String(node.type)}"'.`;
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      for (const [index, branch] of branches.entries()) {
        const problem = strictSchemaProblem(branch, [...context, keyword, String(index)]);
        if (problem) return problem;
      }
    }
  }
  if (types.includes('object')) {
    if (node.additionalProperties !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
    const missing = Object.keys(properties).filter((key) => !required.includes(key));
    if (missing.length > 0) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    }
    for (const [key, property] of Object.entries(properties)) {
      const problem = strictSchemaProblem(property, [...context, 'properties', key]);
      if (problem) return problem;
    }
  }
  if (types.includes('array') && node.items !== undefined) {
    return strictSchemaProblem(node.items, [...context, 'items']);
  }
  return undefined;
}

function refuse(body: RequestRefusal['body']): RequestRefusal {
  return { status: 400, body };
}
