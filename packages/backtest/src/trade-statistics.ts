import {
  Decimal,
  type DecimalString,
  type ExitReason,
  exitReasonSchema,
  type Trade,
  toDecimalString,
} from '@trd/core';

/** Statistics of a backtest's closed trades. Money in quote units as exact decimal strings. */
export interface TradeStatistics {
  /** Closed trades counted (trades without a net P&L are ignored). */
  totalTrades: number;
  /** Net P&L > 0. */
  wins: number;
  /** Net P&L <= 0: a break-even trade paid its fees for nothing (as the store's portfolio counts it). */
  losses: number;
  /** wins / trades in percent, 2 decimals; "0" without trades. */
  winRate: DecimalString;
  startingBalance: DecimalString;
  /** Sum of the trades' net P&L (fees already deducted). */
  netProfitLoss: DecimalString;
  /** Net P&L as a percent of the starting balance, 4 decimals. */
  profitLossPercent: DecimalString;
  /** Starting balance + net P&L. */
  finalEquity: DecimalString;
  /** Entry + exit fees, in quote units. */
  fees: DecimalString;
  /**
   * Largest fall of the realized equity curve (starting balance, then + each trade's net P&L in
   * closing order) from a previous peak, in quote units.
   */
  maxDrawdown: DecimalString;
  /** Largest fall from a previous peak as a percent of that peak, 4 decimals. */
  maxDrawdownPercent: DecimalString;
  exitsByReason: Record<ExitReason, number>;
  /** Equity after each closed trade, in closing order. */
  equityCurve: { time: number; tradeId: string; equity: DecimalString }[];
}

/**
 * Pure: the statistics of `trades` for an account that started with `startingBalance`. Only
 * closed trades with a net P&L count; they are taken in closing order (then id).
 */
export function computeTradeStatistics(
  trades: readonly Trade[],
  startingBalance: DecimalString,
): TradeStatistics {
  const closed = trades
    .filter((trade) => trade.status === 'closed' && trade.profitLoss !== undefined)
    .sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const start = new Decimal(startingBalance);
  let equity = start;
  let peak = start;
  let maxDrawdown = new Decimal(0);
  let maxDrawdownPercent = new Decimal(0);
  let net = new Decimal(0);
  let fees = new Decimal(0);
  let wins = 0;
  const exitsByReason = Object.fromEntries(exitReasonSchema.options.map((reason) => [reason, 0])) as Record<
    ExitReason,
    number
  >;
  const equityCurve: TradeStatistics['equityCurve'] = [];

  for (const trade of closed) {
    const pnl = new Decimal(trade.profitLoss!);
    net = net.plus(pnl);
    fees = fees.plus(trade.entryFee).plus(trade.exitFee ?? '0');
    if (pnl.gt(0)) wins++;
    if (trade.exitReason) exitsByReason[trade.exitReason]++;

    equity = equity.plus(pnl);
    if (equity.gt(peak)) peak = equity;
    const drawdown = peak.minus(equity);
    if (drawdown.gt(maxDrawdown)) maxDrawdown = drawdown;
    if (peak.gt(0)) {
      const percent = drawdown.div(peak).mul(100);
      if (percent.gt(maxDrawdownPercent)) maxDrawdownPercent = percent;
    }
    equityCurve.push({
      time: trade.closedAt ?? trade.openedAt,
      tradeId: trade.id,
      equity: toDecimalString(equity),
    });
  }

  const count = closed.length;
  return {
    totalTrades: count,
    wins,
    losses: count - wins,
    winRate: count === 0 ? '0' : toDecimalString(new Decimal(wins).div(count).mul(100).toDecimalPlaces(2)),
    startingBalance: toDecimalString(start),
    netProfitLoss: toDecimalString(net),
    profitLossPercent: start.isZero() ? '0' : toDecimalString(net.div(start).mul(100).toDecimalPlaces(4)),
    finalEquity: toDecimalString(equity),
    fees: toDecimalString(fees),
    maxDrawdown: toDecimalString(maxDrawdown),
    maxDrawdownPercent: toDecimalString(maxDrawdownPercent.toDecimalPlaces(4)),
    exitsByReason,
    equityCurve,
  };
}
