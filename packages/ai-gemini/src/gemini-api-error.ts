import { ModelUnavailableError } from '@trd/core';
import { parseDurationMs, safeFailureMessage } from '@trd/core/model-calls';

/** What went wrong with one call to the Gemini API, with the API key already removed. */
export interface GeminiCallFailure {
  /** HTTP status, when the service answered. */
  httpStatus: number | undefined;
  /** The google.rpc status name, e.g. `RESOURCE_EXHAUSTED`, `INTERNAL`. */
  rpcStatus: string | undefined;
  /** A short description, safe to log. */
  message: string;
  /** Worth another attempt: rate limited, overloaded, server error, network failure. */
  retryable: boolean;
  /** The wait the service asked for (google.rpc.RetryInfo.retryDelay), ms. */
  retryAfterMs: number | undefined;
  /** The service rejected the API key. */
  authentication: boolean;
  /**
   * A 429 whose `google.rpc.QuotaFailure` names a per-day quota (a violation's `quotaId` with
   * `PerDay`, e.g. `GenerateRequestsPerDayPerProjectPerModel-FreeTier`, or a `quotaMetric` with
   * `per_day`): spent until the daily reset, whatever `RetryInfo` says.
   */
  dailyQuota: boolean;
  /** The `quotaId`s of the QuotaFailure's violations, for the message and logs. */
  quotaIds: string[];
}

/** HTTP statuses worth retrying (the same list the SDK's own retry uses). */
const RETRYABLE_HTTP_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

interface RpcErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> };
}

/**
 * Reads an error thrown by `@google/genai`. The SDK's `ApiError` carries the HTTP status and the
 * response body as a JSON string in its message; the wait time of a 429 is only in that body
 * (`RetryInfo.retryDelay`), never in a header.
 */
export function describeGeminiError(error: unknown, apiKey: string): GeminiCallFailure {
  const status = apiErrorStatus(error);
  if (status === undefined) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      httpStatus: undefined,
      rpcStatus: undefined,
      message: safeFailureMessage(`request failed before an HTTP answer (${text})`, [apiKey]),
      retryable: true,
      retryAfterMs: undefined,
      authentication: false,
      dailyQuota: false,
      quotaIds: [],
    };
  }
  const body = parseBody((error as Error).message);
  const details = body?.error?.details ?? [];
  const retryInfo = details.find((detail) => String(detail['@type']).endsWith('google.rpc.RetryInfo'));
  const keyInvalid = details.some((detail) => detail.reason === 'API_KEY_INVALID');
  const violations = quotaViolations(details);
  const rpcStatus = body?.error?.status;
  const serviceMessage = body?.error?.message ?? (error as Error).message;
  return {
    httpStatus: status,
    rpcStatus,
    message: safeFailureMessage(`HTTP ${status}${rpcStatus ? ` ${rpcStatus}` : ''}: ${serviceMessage}`, [
      apiKey,
    ]),
    retryable: RETRYABLE_HTTP_STATUSES.has(status),
    retryAfterMs: parseDurationMs(retryInfo?.retryDelay),
    authentication: status === 401 || status === 403 || keyInvalid,
    dailyQuota: status === 429 && violations.some(isPerDay),
    quotaIds: violations.map((violation) => violation.quotaId ?? violation.quotaMetric ?? '').filter(Boolean),
  };
}

interface QuotaViolation {
  quotaId?: string;
  quotaMetric?: string;
}

/** The violations of every `google.rpc.QuotaFailure` detail (google/rpc/error_details.proto). */
function quotaViolations(details: Array<Record<string, unknown>>): QuotaViolation[] {
  return details
    .filter((detail) => String(detail['@type']).endsWith('google.rpc.QuotaFailure'))
    .flatMap((detail) => (Array.isArray(detail.violations) ? detail.violations : []))
    .filter(
      (violation): violation is Record<string, unknown> =>
        typeof violation === 'object' && violation !== null,
    )
    .map((violation) => ({
      ...(typeof violation.quotaId === 'string' ? { quotaId: violation.quotaId } : {}),
      ...(typeof violation.quotaMetric === 'string' ? { quotaMetric: violation.quotaMetric } : {}),
    }));
}

function isPerDay(violation: QuotaViolation): boolean {
  return /PerDay/i.test(violation.quotaId ?? '') || /per_?day/i.test(violation.quotaMetric ?? '');
}

/**
 * The model service could not give an answer: retries exhausted, a non-retryable refusal of the
 * request, or a wait longer than allowed. A `ModelUnavailableError`, so the engine reports it and
 * goes on with other users.
 */
export class GeminiUnavailableError extends ModelUnavailableError {
  readonly httpStatus: number | undefined;
  readonly rpcStatus: string | undefined;
  /** Calls made before giving up. */
  readonly attempts: number;
  /** The wait the service asked for, ms, when it said; for a paused queue, the time left in the pause. */
  readonly retryAfterMs: number | undefined;
  /**
   * `resumesAt` (core's field): when the analyzer sends again (clock ms), if it paused its queue for
   * a spent quota; the engine's model budget holds until then without calling it.
   */
  constructor(message: string, failure: GeminiCallFailure | undefined, attempts: number, resumesAt?: number) {
    super(message, {
      retryable: failure?.retryable ?? true,
      ...(resumesAt === undefined ? {} : { resumesAt }),
    });
    this.httpStatus = failure?.httpStatus;
    this.rpcStatus = failure?.rpcStatus;
    this.attempts = attempts;
    this.retryAfterMs = failure?.retryAfterMs;
  }
}

function apiErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { name?: unknown; status?: unknown };
  return candidate.name === 'ApiError' && typeof candidate.status === 'number' ? candidate.status : undefined;
}

function parseBody(message: string): RpcErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    return typeof parsed === 'object' && parsed !== null ? (parsed as RpcErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
