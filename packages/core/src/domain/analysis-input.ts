import type { Candle } from './candle';
import type { TradingConfig } from './trading-config';

/** Latest values of the reference bot's indicators; `null` when there are too few candles. */
export interface IndicatorSnapshot {
  /** RSI(14), 0–100. */
  rsi: number | null;
  /** MACD(12, 26, 9). */
  macd: { macd: number; signal: number; histogram: number } | null;
  /** Bollinger Bands(20, 2). */
  bollinger: { upper: number; middle: number; lower: number } | null;
  /** Last bar's volume against the 20-bar average. */
  volume: { current: number; average20: number; ratio: number } | null;
}

/** The market as the analyzer sees it, computed once per symbol per cycle. */
export interface MarketSummary {
  symbol: string;
  /** Last close. */
  price: number;
  /** Percent change over the candles given (first open to last close). */
  changePercent: number;
  high: number;
  low: number;
  /** Percent change over the last 15 bars. */
  momentumPercent: number;
  trend: 'up' | 'down' | 'sideways';
  candleCount: number;
  /** Open time of the last bar, Unix ms. */
  asOf: number;
}

/** The user's recent performance (last 15 closed trades), as the reference bot computes it. */
export interface TradeHistoryContext {
  /** Closed trades considered (at most 15). */
  tradeCount: number;
  /** Percent of those with positive net P&L. */
  winRate: number;
  /** Mean net P&L per trade, quote units. */
  averagePnl: number;
  /** Percent closed by STOP_LOSS. */
  stopLossHitRate: number;
  /** Percent closed by TAKE_PROFIT. */
  takeProfitHitRate: number;
  /** From the last 5 trades, as the reference bot: `winning` (≥ 3 wins of 5), `losing` (≤ 1 win of 5), else `mixed` (the same shares with fewer trades); `none` without trades. */
  recentTrend: 'winning' | 'losing' | 'mixed' | 'none';
  /** Consecutive losses ending with the most recent trade. */
  losingStreak: number;
}

/** Everything an analyzer gets for one user and one symbol. */
export interface AnalysisInput {
  /**
   * `shared`: the market alone, one answer for every user on the symbol; `history` and `config`
   * are then placeholders (no trades, the default config) that an analyzer MUST NOT present as a
   * user's (core's `buildAnalysisPrompt` writes the market-only prompt). Absent or `personal`: this
   * user's analysis.
   */
  mode?: 'shared' | 'personal';
  userId: string;
  symbol: string;
  /** Ascending 1m candles, the last being the current bar. */
  candles: readonly Candle[];
  indicators: IndicatorSnapshot;
  market: MarketSummary;
  history: TradeHistoryContext;
  config: TradingConfig;
}
