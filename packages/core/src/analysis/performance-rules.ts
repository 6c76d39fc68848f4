import type { TradeHistoryContext } from '../domain/analysis-input';

/** The reference bot's performance-based rules for analysis (seed: "AI Prompt Enhancement"). */
export const PERFORMANCE_RULES = {
  /** Below this win rate (percent) the analyzer must be very conservative… */
  lowWinRatePercent: 40,
  /** …and only trade above this confidence. */
  lowWinRateMinConfidence: 85,
  /** This many losses in a row (or a losing recent trend) is a losing streak… */
  losingStreakTrades: 2,
  /** …and confidence drops by 15–20 points. */
  losingStreakPenalty: { min: 15, max: 20 },
  /** Above this stop-loss hit rate (percent) the analyzer takes extra caution. */
  highStopLossRatePercent: 60,
} as const;

export interface PerformanceWarnings {
  lowWinRate: boolean;
  losingStreak: boolean;
  highStopLossRate: boolean;
}

/** Which performance rules apply to this history. None apply without closed trades. */
export function performanceWarnings(history: TradeHistoryContext): PerformanceWarnings {
  if (history.tradeCount === 0) return { lowWinRate: false, losingStreak: false, highStopLossRate: false };
  return {
    lowWinRate: history.winRate < PERFORMANCE_RULES.lowWinRatePercent,
    losingStreak:
      history.losingStreak >= PERFORMANCE_RULES.losingStreakTrades || history.recentTrend === 'losing',
    highStopLossRate: history.stopLossHitRate > PERFORMANCE_RULES.highStopLossRatePercent,
  };
}
