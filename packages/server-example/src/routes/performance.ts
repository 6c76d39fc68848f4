import {
  computeDrawdown,
  computeTradeStatistics,
  realizedEquityCurve,
  type Trade,
  toDecimalString,
} from '@trd/core';

export interface Performance {
  closedTrades: number;
  winningTrades: number;
  losingTrades: number;
  /** Percent, 0–100, 2 decimals. */
  winRate: number;
  totalPnl: string;
  totalFees: string;
  averagePnl: string;
  /** Gross profit / gross loss; `null` without a loss. */
  profitFactor: number | null;
  grossProfit: string;
  grossLoss: string;
  /** Largest fall of the cumulative P&L below a previous peak (from 0), quote units. */
  maxDrawdown: string;
  bestTrade: string | null;
  worstTrade: string | null;
  averageDurationSeconds: number | null;
  byExitReason: Record<string, number>;
  equityCurve: { time: number; tradeId: string; cumulativePnl: string }[];
}

/**
 * Performance of closed trades for the API: core's statistics (`computeTradeStatistics`, the
 * same the backtest report prints) in the route's shape, with the cumulative P&L curve.
 */
export function computePerformance(closedTrades: readonly Trade[]): Performance {
  const statistics = computeTradeStatistics(closedTrades);
  const cumulative = realizedEquityCurve(closedTrades, 0, 0);
  const curve = cumulative.slice(1);
  return {
    closedTrades: statistics.totalTrades,
    winningTrades: statistics.wins,
    losingTrades: statistics.losses,
    winRate: Math.round(statistics.winRate * 10_000) / 100,
    totalPnl: statistics.netProfitLoss,
    totalFees: statistics.fees,
    averagePnl: statistics.expectancy,
    profitFactor: statistics.profitFactor,
    grossProfit: statistics.grossProfit,
    grossLoss: statistics.grossLoss,
    maxDrawdown: computeDrawdown(cumulative).maxDrawdown,
    bestTrade: statistics.bestTrade,
    worstTrade: statistics.worstTrade,
    averageDurationSeconds:
      statistics.averageDurationMs === null ? null : Math.round(statistics.averageDurationMs / 1000),
    // Only the reasons that occurred, as before.
    byExitReason: Object.fromEntries(
      Object.entries(statistics.exitsByReason).filter(([, count]) => count > 0),
    ),
    equityCurve: curve.map((point) => ({
      time: point.time,
      tradeId: point.tradeId!,
      cumulativePnl: toDecimalString(point.equity),
    })),
  };
}
