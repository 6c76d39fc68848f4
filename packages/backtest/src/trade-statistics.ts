import {
  breakEvenWinRateOfPercents,
  type Candle,
  computePerformanceMetrics,
  Decimal,
  type DecimalString,
  type PerformanceMetrics,
  type Trade,
  toDecimalString,
} from '@trd/core';

/**
 * Statistics of a backtest's closed trades: core's performance metrics (one definition of each,
 * shared with the portfolio and the performance route), with the win rate as a percent string
 * for the terminal. Money in quote units as exact decimal strings.
 */
export interface TradeStatistics extends Omit<PerformanceMetrics, 'winRate'> {
  /** wins / trades in percent, 2 decimals; "0" without trades. */
  winRate: DecimalString;
  /**
   * The win rate (fraction) at which this run's take profit pays for its stop loss after both
   * fees (`breakEvenWinRateOfPercents`); `null` without `exits`, or when no win rate breaks even.
   */
  breakEvenWinRate: number | null;
}

/** What the metrics need besides the trades; each part is optional. */
export interface TradeStatisticsContext {
  /** [start, end) Unix ms; default from the first entry to the last exit. */
  period?: { start: number; end: number };
  /** The replayed candles: buy-and-hold runs from the period's first open to its last close. */
  candles?: readonly Candle[];
  /** The run's exit distances and fee per side (percent), for the break-even win rate. */
  exits?: { takeProfitPercent: number; stopLossPercent: number; feePercent: DecimalString };
}

/** Pure: the statistics of `trades` for an account that started with `startingBalance`. */
export function computeTradeStatistics(
  trades: readonly Trade[],
  startingBalance: DecimalString,
  context: TradeStatisticsContext = {},
): TradeStatistics {
  const period = context.period ?? tradePeriod(trades);
  const inPeriod = (context.candles ?? []).filter(
    (candle) => candle.openTime >= period.start && candle.openTime < period.end,
  );
  const metrics = computePerformanceMetrics({
    trades,
    startingBalance,
    period,
    prices: inPeriod.length > 0 ? { first: inPeriod[0]!.open, last: inPeriod.at(-1)!.close } : undefined,
    feePercent: context.exits?.feePercent ?? 0,
  });
  return {
    ...metrics,
    winRate:
      metrics.totalTrades === 0
        ? '0'
        : toDecimalString(new Decimal(metrics.winRate).mul(100).toDecimalPlaces(2)),
    breakEvenWinRate: context.exits ? breakEvenWinRateOfPercents(context.exits) : null,
  };
}

function tradePeriod(trades: readonly Trade[]): { start: number; end: number } {
  if (trades.length === 0) return { start: 0, end: 0 };
  const start = Math.min(...trades.map((trade) => trade.openedAt));
  const end = Math.max(...trades.map((trade) => trade.closedAt ?? trade.openedAt));
  return { start, end };
}
