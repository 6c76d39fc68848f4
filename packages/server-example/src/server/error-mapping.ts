import { TrdError } from '@trd/core';

/** Maps an error thrown by a route to an HTTP status and a message safe to show the caller. */
export function mapError(error: unknown): { statusCode: number; message: string } {
  if (TrdError.isInstance(error)) {
    // A server error that knows its answer (e.g. NoTradingAccountError: 400 or 403).
    const own = (error as { statusCode?: unknown }).statusCode;
    if (typeof own === 'number' && own >= 400 && own < 500)
      return { statusCode: own, message: error.message };
    switch (error.code) {
      case 'NOT_FOUND':
      case 'ORDER_NOT_FOUND':
        return { statusCode: 404, message: error.message };
      case 'CONFLICT':
        return { statusCode: 409, message: error.message };
      case 'CONFIG':
      case 'INVALID_ORDER':
      case 'RISK_REJECTED':
        return { statusCode: 400, message: error.message };
      case 'ORDER_REJECTED':
      case 'INSUFFICIENT_FUNDS':
        return { statusCode: 422, message: error.message };
      case 'EXCHANGE_UNAVAILABLE':
      case 'RATE_LIMITED':
      case 'ORDER_STATUS_UNKNOWN':
      case 'CLOCK_SKEW':
        return { statusCode: 503, message: 'the exchange is unavailable, try again shortly' };
      case 'AUTHENTICATION':
        return { statusCode: 502, message: 'the exchange refused the account credentials' };
      default:
        return { statusCode: 500, message: 'internal error' };
    }
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, message: (error as Error).message };
  }
  return { statusCode: 500, message: 'internal error' };
}
