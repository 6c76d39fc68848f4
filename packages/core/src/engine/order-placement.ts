import { dec } from '../decimal';
import { TrdError } from '../errors';
import type { MarketOrderRequest, OrderReport, TradingAccount } from '../ports/trading-account';

/** The request never reached the venue: nothing was placed (confirmed by a lookup before it counts). */
const NOT_SENT = new Set(['EXCHANGE_UNAVAILABLE', 'RATE_LIMITED']);

/** The venue refused the order for good: it was not placed and must not be looked for. */
const DEFINITIVE_REFUSALS = new Set([
  'ORDER_REJECTED',
  'INSUFFICIENT_FUNDS',
  'INVALID_ORDER',
  'AUTHENTICATION',
]);

export type PlacementOutcome =
  | { kind: 'filled'; report: OrderReport }
  /** Known to the venue but not done yet (`new`, `partially_filled`): ask again later. */
  | { kind: 'in_progress'; report: OrderReport }
  /** Ended with nothing filled (rejected, cancelled, expired). */
  | { kind: 'dead'; report: OrderReport }
  | { kind: 'refused'; error: Error }
  /**
   * The request never reached the venue (a plain network error or a rate limit: the port says an
   * unknown outcome is always `OrderStatusUnknownError`) and the lookup confirms it: nothing was
   * placed, so the intent can fail at once and be tried again with a new one.
   */
  | { kind: 'not_sent'; error: Error }
  | { kind: 'unknown'; error: Error };

/**
 * Sends a market order exactly once. When the outcome is unknown (lost response, timeout), the
 * order is looked up by its client id, never re-sent; if the lookup cannot tell either, the
 * outcome stays `unknown` and the journalled intent is left for reconciliation.
 */
export async function placeMarketOrderOnce(
  account: TradingAccount,
  request: MarketOrderRequest,
): Promise<PlacementOutcome> {
  try {
    return classify(await account.placeMarketOrder(request));
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    if (TrdError.isInstance(error) && DEFINITIVE_REFUSALS.has(error.code))
      return { kind: 'refused', error: cause };
    try {
      const found = await account.findOrder(request.symbol, request.clientOrderId);
      if (found) return classify(found);
      if (TrdError.isInstance(error) && NOT_SENT.has(error.code)) return { kind: 'not_sent', error: cause };
    } catch {
      // The lookup failed too: the outcome is still unknown.
    }
    return { kind: 'unknown', error: cause };
  }
}

export function classify(report: OrderReport): PlacementOutcome {
  if (report.status === 'filled') return { kind: 'filled', report };
  if (report.status === 'new' || report.status === 'partially_filled') return { kind: 'in_progress', report };
  // Cancelled or expired after a partial fill still leaves a position of what filled.
  return dec(report.executedQuantity).gt(0) ? { kind: 'filled', report } : { kind: 'dead', report };
}
