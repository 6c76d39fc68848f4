/**
 * One error hierarchy for TRD. Adapters map their library's errors to these at the boundary, so
 * the engine decides what to do from the type alone: retry, wait, reject, or fail loudly.
 * `isInstance` works across copies of the package (a marker, not `instanceof`).
 */
const marker = Symbol.for('trd.error');

export type TrdErrorCode =
  | 'EXCHANGE_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'ORDER_REJECTED'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_ORDER'
  | 'ORDER_STATUS_UNKNOWN'
  | 'ORDER_NOT_FOUND'
  | 'CLOCK_SKEW'
  | 'AUTHENTICATION'
  | 'RISK_REJECTED'
  | 'MODEL_UNAVAILABLE'
  | 'CONFIG'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORE';

export interface TrdErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/** `TrdError` or one of its subclasses, whatever its constructor's parameters. */
type ErrorClass = (abstract new (
  ...args: never[]
) => TrdError) & { readonly errorCode: TrdErrorCode | undefined };

export class TrdError extends Error {
  readonly [marker] = true;
  readonly code: TrdErrorCode;
  readonly isRetryable: boolean;

  constructor(code: TrdErrorCode, message: string, options: TrdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.retryable ?? false;
  }

  /** Set by each subclass: `ConflictError.isInstance(e)` is true only for a `CONFLICT`. */
  static readonly errorCode: TrdErrorCode | undefined = undefined;

  /**
   * `TrdError.isInstance(e)`: any TRD error. On a subclass, only errors of its code:
   * `ConflictError.isInstance(new NotFoundError('…'))` is false, also across package copies.
   */
  static isInstance<T extends ErrorClass>(this: T, error: unknown): error is InstanceType<T> {
    if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[marker] !== true)
      return false;
    // `this` is the class it is called on: TrdError, or a subclass with its own code.
    // biome-ignore lint/complexity/noThisInStatic: the point is which class is asking.
    const wanted = this.errorCode;
    return wanted === undefined || (error as TrdError).code === wanted;
  }
}

/** The venue could not be reached or failed (network, timeout, 5xx). Reads may be retried. */
export class ExchangeUnavailableError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'EXCHANGE_UNAVAILABLE';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('EXCHANGE_UNAVAILABLE', message, { retryable: true, ...options });
  }
}

/** The venue asked us to slow down (HTTP 429/418). */
export class RateLimitedError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'RATE_LIMITED';
  /** How long to wait before the next request, ms, when the venue said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options: TrdErrorOptions = {}) {
    super('RATE_LIMITED', message, { retryable: true, ...options });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The venue refused the order (filters, market closed, unknown symbol…). Never retried as is. */
export class OrderRejectedError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'ORDER_REJECTED';
  /** The venue's own error code, e.g. Binance's -2010. */
  readonly venueCode: string | number | undefined;
  constructor(message: string, venueCode?: string | number, options: TrdErrorOptions = {}) {
    super('ORDER_REJECTED', message, options);
    this.venueCode = venueCode;
  }
}

export class InsufficientFundsError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'INSUFFICIENT_FUNDS';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('INSUFFICIENT_FUNDS', message, options);
  }
}

/** We caught an order the venue would reject (below minimum notional, off step) before sending. */
export class InvalidOrderError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'INVALID_ORDER';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('INVALID_ORDER', message, options);
  }
}

/**
 * An order was sent but its outcome is unknown (response lost, timeout after sending). The order
 * MUST be looked up by client order id before anything is sent again.
 */
export class OrderStatusUnknownError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'ORDER_STATUS_UNKNOWN';
  readonly clientOrderId: string;
  constructor(message: string, clientOrderId: string, options: TrdErrorOptions = {}) {
    super('ORDER_STATUS_UNKNOWN', message, options);
    this.clientOrderId = clientOrderId;
  }
}

export class OrderNotFoundError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'ORDER_NOT_FOUND';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('ORDER_NOT_FOUND', message, options);
  }
}

/** The request's timestamp fell outside the venue's receive window (Binance -1021). */
export class ClockSkewError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'CLOCK_SKEW';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('CLOCK_SKEW', message, { retryable: true, ...options });
  }
}

export class AuthenticationError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'AUTHENTICATION';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('AUTHENTICATION', message, options);
  }
}

/** The model service could not be reached or kept failing. */
export class ModelUnavailableError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'MODEL_UNAVAILABLE';
  /**
   * When the analyzer will send again (clock ms), if it paused for a spent quota: the engine's
   * model budget then holds every analysis until then, without calling the analyzer, and does not
   * count the pause as a circuit-breaker failure.
   */
  readonly resumesAt: number | undefined;
  constructor(message: string, options: TrdErrorOptions & { resumesAt?: number } = {}) {
    const { resumesAt, ...rest } = options;
    super('MODEL_UNAVAILABLE', message, { retryable: true, ...rest });
    this.resumesAt = resumesAt;
  }
}

export class ConfigError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'CONFIG';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('CONFIG', message, options);
  }
}

export class NotFoundError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'NOT_FOUND';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** A write conflicted with existing state (duplicate client order id, position already closed). */
export class ConflictError extends TrdError {
  static override readonly errorCode: TrdErrorCode = 'CONFLICT';
  constructor(message: string, options: TrdErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}
