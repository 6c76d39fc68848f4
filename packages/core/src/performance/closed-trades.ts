import type { Trade } from '../domain/trade';

/** A trade every statistic counts: closed, with its net P&L and its closing time. */
export type ClosedTrade = Trade & { profitLoss: string; closedAt: number };

/**
 * The trades statistics are computed over: closed ones with a net P&L, in closing order (then
 * id, so equal times give one order everywhere). Others (open, failed) are left out.
 */
export function closedTradesInOrder(trades: readonly Trade[]): ClosedTrade[] {
  return trades
    .filter(
      (trade): trade is ClosedTrade =>
        trade.status === 'closed' && trade.profitLoss !== undefined && trade.closedAt !== undefined,
    )
    .sort((a, b) => a.closedAt - b.closedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
