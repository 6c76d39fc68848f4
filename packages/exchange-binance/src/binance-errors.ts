import {
  AuthenticationError,
  ClockSkewError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  TrdError,
} from '@trd/core';
import { isNotFoundAnswer } from './not-found-answers';

/** What Binance answered to a failed request: enough to pick the typed error, nothing secret. */
export interface BinanceFailure {
  method: string;
  /** URL path only (`/api/v3/order`): the query string carries the signature and never goes in a message. */
  path: string;
  status: number;
  code?: number;
  msg?: string;
  /** The `Retry-After` header, seconds. */
  retryAfterSeconds?: number;
}

// Binance codes meaning "the service failed", execution status unknown (errors.md: -1000, -1001, -1006, -1007, -1008).
const UNAVAILABLE_CODES = new Set([-1000, -1001, -1006, -1007, -1008]);
const AUTHENTICATION_CODES = new Set([-1002, -1022, -2008, -2014, -2015]);

/** Parses Binance's `{ code, msg }` error body; anything else (HTML from a proxy, empty) gives nothing. */
export function parseBinanceErrorBody(body: string): { code?: number; msg?: string } {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { code, msg } = parsed as { code?: unknown; msg?: unknown };
      return {
        code: typeof code === 'number' ? code : undefined,
        msg: typeof msg === 'string' ? msg : undefined,
      };
    }
  } catch {
    // not JSON: the status alone decides
  }
  return {};
}

/** Maps a failed Binance response to core's typed errors, so the engine decides from the type alone. */
export function mapBinanceFailure(failure: BinanceFailure): TrdError {
  const { status, code, msg } = failure;
  const detail = `${msg ?? 'no message'}${code === undefined ? '' : ` (code ${code})`}`;
  const message = `binance ${failure.method} ${failure.path} failed with HTTP ${status}: ${detail}`;
  if (status === 429 || status === 418 || code === -1003) {
    const retryAfterMs =
      failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
    return new RateLimitedError(message, retryAfterMs);
  }
  if (status >= 500 || (code !== undefined && UNAVAILABLE_CODES.has(code))) {
    return new ExchangeUnavailableError(message);
  }
  if (code === -1021) return new ClockSkewError(message);
  if (status === 401 || (code !== undefined && AUTHENTICATION_CODES.has(code)))
    return new AuthenticationError(message);
  if (code === -2010 && msg && /insufficient balance/i.test(msg)) return new InsufficientFundsError(message);
  if (isNotFoundAnswer(code, msg)) return new OrderNotFoundError(message);
  if (status === 403) return new ExchangeUnavailableError(message, { retryable: false });
  if (code !== undefined) return new OrderRejectedError(message, code);
  return new ExchangeUnavailableError(message, { retryable: false });
}

/** The network failed before an answer came back (refused, reset, timed out). */
export function networkFailure(
  method: string,
  path: string,
  error: unknown,
  timeoutMs: number,
): ExchangeUnavailableError {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new ExchangeUnavailableError(`binance ${method} ${path}: no response within ${timeoutMs} ms`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const reason =
    cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? 'unknown network error';
  return new ExchangeUnavailableError(`binance ${method} ${path}: network error (${reason})`);
}

// ccxt's own error classes, by name, for failures raised inside ccxt rather than by our fetch.
const CCXT_ERROR_TYPES: [string, (message: string) => TrdError][] = [
  ['InsufficientFunds', (message) => new InsufficientFundsError(message)],
  ['OrderNotFound', (message) => new OrderNotFoundError(message)],
  ['InvalidOrder', (message) => new OrderRejectedError(message)],
  ['AuthenticationError', (message) => new AuthenticationError(message)],
  ['PermissionDenied', (message) => new AuthenticationError(message)],
  ['RateLimitExceeded', (message) => new RateLimitedError(message)],
  ['DDoSProtection', (message) => new RateLimitedError(message)],
  ['InvalidNonce', (message) => new ClockSkewError(message)],
  ['NetworkError', (message) => new ExchangeUnavailableError(message)],
];

/**
 * Any error out of a ccxt call as a core error. Ours pass through; ccxt's are renamed by class and
 * their message cut at the first URL (ccxt quotes URLs whole, signature and all). A not-found
 * answer is read from the Binance body ccxt quotes before the class: ccxt files -2011 under
 * OperationRejected, -2026 under InvalidOrder, -2018 under InsufficientFunds, others under a plain
 * ExchangeError.
 */
export function toTrdError(error: unknown, operation: string): TrdError {
  if (TrdError.isInstance(error)) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = `binance ${operation}: ${redact(raw)}`;
  if (isNotFoundAnswer(quotedCode(raw), raw)) return new OrderNotFoundError(message);
  let prototype = error instanceof Error ? Object.getPrototypeOf(error) : null;
  while (prototype && prototype !== Error.prototype) {
    const name = (prototype.constructor as { name?: string }).name ?? '';
    const match = CCXT_ERROR_TYPES.find(([type]) => type === name);
    if (match) return match[1](message);
    prototype = Object.getPrototypeOf(prototype);
  }
  return new ExchangeUnavailableError(message, { retryable: false });
}

/** The `"code":-2013` of a Binance body quoted in a ccxt message (`binance {"code":-2013,"msg":…}`). */
function quotedCode(message: string): number | undefined {
  const match = /"code"\s*:\s*(-?\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Drops query strings and anything that looks like a signature or key from a message. */
export function redact(message: string): string {
  return message
    .replace(/(https?:\/\/[^\s?]+)\?\S*/g, '$1')
    .replace(/(signature|apiKey|secret|X-MBX-APIKEY)[=:"\s]+[^\s&"]+/gi, '$1=[redacted]')
    .slice(0, 500);
}
