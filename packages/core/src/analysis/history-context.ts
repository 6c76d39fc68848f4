import { dec } from '../decimal';
import type { TradeHistoryContext } from '../domain/analysis-input';
import type { Trade } from '../domain/trade';
import { isWinningTrade } from '../domain/trade-outcome';
import { winRate } from '../performance/win-rate';

/** Closed trades the context looks at, as the reference bot does. */
export const HISTORY_TRADE_LIMIT = 15;
/** Most recent trades the trend looks at. */
export const RECENT_TREND_TRADES = 5;

/**
 * The user's recent performance, as the reference bot computes it: over the last 15 closed trades,
 * the win rate (percent with positive net P&L), the average net P&L, the stop-loss and take-profit
 * hit rates; over the last 5, the trend (`winning` with ≥ 3 wins in 5, `losing` with ≤ 1, `mixed`
 * otherwise, the same shares for fewer trades; `none` without trades); and the losing streak.
 * Trades must be given newest first; trades that are not closed are ignored.
 */
export function buildHistoryContext(closedTradesNewestFirst: readonly Trade[]): TradeHistoryContext {
  const trades = closedTradesNewestFirst
    .filter((trade) => trade.status === 'closed')
    .slice(0, HISTORY_TRADE_LIMIT);
  if (trades.length === 0) {
    return {
      tradeCount: 0,
      winRate: 0,
      averagePnl: 0,
      stopLossHitRate: 0,
      takeProfitHitRate: 0,
      recentTrend: 'none',
      losingStreak: 0,
    };
  }

  const pnls = trades.map((trade) => dec(trade.profitLoss ?? '0'));
  const wins = pnls.filter((pnl) => isWinningTrade(pnl)).length;
  const totalPnl = pnls.reduce((sum, pnl) => sum.add(pnl), dec(0));
  const share = (count: number) => (count / trades.length) * 100;

  const recent = pnls.slice(0, RECENT_TREND_TRADES);
  const recentWinShare = recent.filter((pnl) => isWinningTrade(pnl)).length / recent.length;
  // 3 of 5 wins is winning, 1 of 5 or fewer is losing (the reference bot's thresholds).
  const recentTrend = recentWinShare >= 0.6 ? 'winning' : recentWinShare <= 0.2 ? 'losing' : 'mixed';

  let losingStreak = 0;
  for (const pnl of pnls) {
    if (isWinningTrade(pnl)) break;
    losingStreak += 1;
  }

  return {
    tradeCount: trades.length,
    winRate: winRate(wins, trades.length) * 100,
    averagePnl: totalPnl.div(trades.length).toNumber(),
    stopLossHitRate: share(trades.filter((trade) => trade.exitReason === 'STOP_LOSS').length),
    takeProfitHitRate: share(trades.filter((trade) => trade.exitReason === 'TAKE_PROFIT').length),
    recentTrend,
    losingStreak,
  };
}
