import { ModelUnavailableError } from '@trd/core';
import { type ModelCallFailure, retryAfterFromHeaders, safeFailureMessage } from '@trd/core/model-calls';
import { AISDKError, APICallError } from 'ai';

/** What went wrong with one call through the AI SDK, with the secrets already removed. */
export interface AiSdkCallFailure extends ModelCallFailure {
  /** The provider's error code when its body says, e.g. OpenAI's `rate_limit_exceeded`. */
  providerCode: string | undefined;
}

/**
 * Reads an error thrown by a provider through `generateText`. An `APICallError` carries the HTTP
 * status, whether it is retryable (408, 409, 429, 5xx and network failures, the AI SDK's rule),
 * the response headers (`retry-after-ms`, `retry-after`) and the provider's parsed error body. A
 * 429 whose code says the account is out of credit (OpenAI's `insufficient_quota`) is not
 * retryable: waiting does not bring money back. Any other AI SDK error (a response the provider
 * could not read) is not retryable either; anything else is a failure before an HTTP answer.
 */
export function describeAiSdkError(error: unknown, secrets: string[], now: number): AiSdkCallFailure {
  const redact = (text: string) => safeFailureMessage(text, secrets);
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const code = providerErrorCode(error.data);
    if (status === undefined) {
      return {
        httpStatus: undefined,
        message: redact(`request failed before an HTTP answer (${error.message})`),
        retryable: error.isRetryable,
        retryAfterMs: undefined,
        authentication: false,
        providerCode: code,
      };
    }
    const outOfCredit = code === 'insufficient_quota';
    return {
      httpStatus: status,
      message: redact(`HTTP ${status}${code ? ` ${code}` : ''}: ${error.message}`),
      retryable: error.isRetryable && !outOfCredit,
      retryAfterMs: retryAfterFromHeaders(error.responseHeaders, now),
      authentication: status === 401 || status === 403,
      providerCode: code,
    };
  }
  if (AISDKError.isInstance(error)) {
    return {
      httpStatus: undefined,
      message: redact(`${error.name}: ${error.message}`),
      retryable: false,
      retryAfterMs: undefined,
      authentication: false,
      providerCode: undefined,
    };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    httpStatus: undefined,
    message: redact(`request failed before an HTTP answer (${text})`),
    retryable: true,
    retryAfterMs: undefined,
    authentication: false,
    providerCode: undefined,
  };
}

/**
 * The model service could not give an answer: retries exhausted, a non-retryable refusal of the
 * request, or a wait longer than allowed. A `ModelUnavailableError`, so the engine reports it and
 * goes on with other users; `resumesAt` is set while a spent quota suspends the queue.
 */
export class AiSdkUnavailableError extends ModelUnavailableError {
  readonly httpStatus: number | undefined;
  /** The provider's error code, when it said. */
  readonly providerCode: string | undefined;
  /** Calls made before giving up. */
  readonly attempts: number;
  /** The wait the service asked for, ms, when it said; for a suspended queue, the time left. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, failure: AiSdkCallFailure | undefined, attempts: number, resumesAt?: number) {
    super(message, {
      retryable: failure?.retryable ?? true,
      ...(resumesAt === undefined ? {} : { resumesAt }),
    });
    this.httpStatus = failure?.httpStatus;
    this.providerCode = failure?.providerCode;
    this.attempts = attempts;
    this.retryAfterMs = failure?.retryAfterMs;
  }
}

/** `error.code` (or `error.type`) of an OpenAI-shaped error body, as the provider parsed it. */
function providerErrorCode(data: unknown): string | undefined {
  const body = (data as { error?: { code?: unknown; type?: unknown } } | undefined)?.error;
  if (typeof body?.code === 'string' && body.code !== '') return body.code;
  if (typeof body?.type === 'string' && body.type !== '') return body.type;
  return undefined;
}
