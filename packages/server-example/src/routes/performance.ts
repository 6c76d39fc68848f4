import { Decimal, isWinningTrade, type Trade, toDecimalString } from '@trd/core';

export interface Performance {
  closedTrades: number;
  winningTrades: number;
  losingTrades: number;
  winRate: number;
  totalPnl: string;
  totalFees: string;
  averagePnl: string;
  bestTrade: string | null;
  worstTrade: string | null;
  averageDurationSeconds: number | null;
  byExitReason: Record<string, number>;
  equityCurve: { time: number; tradeId: string; cumulativePnl: string }[];
}

/** Performance of closed trades, computed exactly (decimal P&L), with the cumulative P&L curve. */
export function computePerformance(closedTrades: readonly Trade[]): Performance {
  const trades = [...closedTrades].sort(
    (a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0) || a.id.localeCompare(b.id),
  );
  let total = new Decimal(0);
  let fees = new Decimal(0);
  let best: Decimal | null = null;
  let worst: Decimal | null = null;
  let wins = 0;
  let losses = 0;
  let durationSum = 0;
  let durationCount = 0;
  const byExitReason: Record<string, number> = {};
  const equityCurve: Performance['equityCurve'] = [];

  for (const trade of trades) {
    const pnl = new Decimal(trade.profitLoss ?? '0');
    total = total.plus(pnl);
    fees = fees.plus(trade.entryFee).plus(trade.exitFee ?? '0');
    if (isWinningTrade(pnl)) wins++;
    else losses++;
    if (best === null || pnl.gt(best)) best = pnl;
    if (worst === null || pnl.lt(worst)) worst = pnl;
    if (trade.durationSeconds !== undefined) {
      durationSum += trade.durationSeconds;
      durationCount++;
    }
    if (trade.exitReason) byExitReason[trade.exitReason] = (byExitReason[trade.exitReason] ?? 0) + 1;
    equityCurve.push({
      time: trade.closedAt ?? trade.openedAt,
      tradeId: trade.id,
      cumulativePnl: toDecimalString(total),
    });
  }

  const count = trades.length;
  return {
    closedTrades: count,
    winningTrades: wins,
    losingTrades: losses,
    winRate: count === 0 ? 0 : Number(new Decimal(wins).div(count).mul(100).toDecimalPlaces(2)),
    totalPnl: toDecimalString(total),
    totalFees: toDecimalString(fees),
    averagePnl: count === 0 ? '0' : toDecimalString(total.div(count).toDecimalPlaces(8)),
    bestTrade: best === null ? null : toDecimalString(best),
    worstTrade: worst === null ? null : toDecimalString(worst),
    averageDurationSeconds: durationCount === 0 ? null : Math.round(durationSum / durationCount),
    byExitReason,
    equityCurve,
  };
}
