import { Decimal, type DecimalString, toDecimalString } from '../decimal';
import { type ExitReason, exitReasonSchema } from '../domain/exit-reason';
import type { Trade } from '../domain/trade';
import { isWinningTrade } from '../domain/trade-outcome';
import { closedTradesInOrder } from './closed-trades';
import { winRate } from './win-rate';

/**
 * What a list of closed trades made, trade by trade. Money in quote units as exact decimal
 * strings (fees already deducted from each net P&L); ratios as numbers.
 */
export interface TradeStatistics {
  /** Closed trades with a net P&L. */
  totalTrades: number;
  /** Net P&L > 0 (`isWinningTrade`). */
  wins: number;
  /** Net P&L <= 0: a break-even trade paid its fees for nothing. */
  losses: number;
  /** wins / totalTrades, in [0, 1]; 0 without trades. */
  winRate: number;
  /** Σ net P&L. */
  netProfitLoss: DecimalString;
  /** Σ entry + exit fees. */
  fees: DecimalString;
  /** Σ net P&L of the winning trades (≥ 0). */
  grossProfit: DecimalString;
  /** Σ |net P&L| of the losing trades (≥ 0). grossProfit − grossLoss = netProfitLoss. */
  grossLoss: DecimalString;
  /** grossProfit / grossLoss; `null` when there is no loss to divide by (infinite or undefined). */
  profitFactor: number | null;
  /** Expected net P&L of one trade: netProfitLoss / totalTrades, 8 decimals; "0" without trades. */
  expectancy: DecimalString;
  /** Mean net P&L of a win, 8 decimals; `null` without wins. */
  averageWin: DecimalString | null;
  /** Mean net P&L of a loss (≤ 0), 8 decimals; `null` without losses. */
  averageLoss: DecimalString | null;
  bestTrade: DecimalString | null;
  worstTrade: DecimalString | null;
  /** Mean of closedAt − openedAt, ms; `null` without trades. */
  averageDurationMs: number | null;
  /** Every exit reason, with 0 for those that did not occur. */
  exitsByReason: Record<ExitReason, number>;
}

/** Pure: the statistics of the closed trades among `trades` (see `closedTradesInOrder`). */
export function computeTradeStatistics(trades: readonly Trade[]): TradeStatistics {
  const closed = closedTradesInOrder(trades);
  let net = new Decimal(0);
  let fees = new Decimal(0);
  let grossProfit = new Decimal(0);
  let grossLoss = new Decimal(0);
  let best: Decimal | null = null;
  let worst: Decimal | null = null;
  let wins = 0;
  let durationSum = 0;
  const exitsByReason = emptyExitCounts();

  for (const trade of closed) {
    const pnl = new Decimal(trade.profitLoss);
    net = net.plus(pnl);
    fees = fees.plus(trade.entryFee).plus(trade.exitFee ?? '0');
    if (isWinningTrade(pnl)) {
      wins++;
      grossProfit = grossProfit.plus(pnl);
    } else {
      grossLoss = grossLoss.minus(pnl);
    }
    if (best === null || pnl.gt(best)) best = pnl;
    if (worst === null || pnl.lt(worst)) worst = pnl;
    durationSum += trade.closedAt - trade.openedAt;
    if (trade.exitReason) exitsByReason[trade.exitReason]++;
  }

  const count = closed.length;
  const losses = count - wins;
  const mean = (sum: Decimal, n: number) => toDecimalString(sum.div(n).toDecimalPlaces(8));
  return {
    totalTrades: count,
    wins,
    losses,
    winRate: winRate(wins, count),
    netProfitLoss: toDecimalString(net),
    fees: toDecimalString(fees),
    grossProfit: toDecimalString(grossProfit),
    grossLoss: toDecimalString(grossLoss),
    profitFactor: grossLoss.isZero() ? null : grossProfit.div(grossLoss).toNumber(),
    expectancy: count === 0 ? '0' : mean(net, count),
    averageWin: wins === 0 ? null : mean(grossProfit, wins),
    averageLoss: losses === 0 ? null : mean(grossLoss.neg(), losses),
    bestTrade: best === null ? null : toDecimalString(best),
    worstTrade: worst === null ? null : toDecimalString(worst),
    averageDurationMs: count === 0 ? null : durationSum / count,
    exitsByReason,
  };
}

export function emptyExitCounts(): Record<ExitReason, number> {
  return Object.fromEntries(exitReasonSchema.options.map((reason) => [reason, 0])) as Record<
    ExitReason,
    number
  >;
}
