import { Decimal, type DecimalInput, type DecimalString, toDecimalString } from '../decimal';
import type { Trade } from '../domain/trade';
import { closedTradesInOrder } from './closed-trades';

/** Equity at a time, quote units. */
export interface EquityPoint {
  /** Unix ms. */
  time: number;
  equity: DecimalString;
  /** The trade whose close made this point; absent on the starting point. */
  tradeId?: string;
}

/**
 * The realized equity curve: the starting balance at `start`, then one point at each close with
 * the running total of net P&L. Positions are not marked to market in between (realized equity
 * changes only when a trade closes), so the curve is exact money.
 */
export function realizedEquityCurve(
  trades: readonly Trade[],
  startingBalance: DecimalInput,
  start: number,
): EquityPoint[] {
  let equity = new Decimal(startingBalance);
  const points: EquityPoint[] = [{ time: start, equity: toDecimalString(equity) }];
  for (const trade of closedTradesInOrder(trades)) {
    equity = equity.plus(trade.profitLoss);
    points.push({ time: trade.closedAt, equity: toDecimalString(equity), tradeId: trade.id });
  }
  return points;
}
