import { type Candle, ConfigError, DEFAULT_ENGINE_SETTINGS } from '@trd/core';

/** The bars a backtest steps over, by open time (Unix ms, inclusive), and how many candles that is. */
export interface BacktestPeriod {
  from: number;
  to: number;
  bars: number;
}

/**
 * The bars a backtest steps over: by default from the bar that completes every market's first
 * candle window (`warmupBars`) to the last bar all markets have. `bars` counts the first market's
 * candles in the period (a minute without a candle is still stepped).
 * @throws ConfigError when the period holds no candle.
 */
export function resolveBacktestPeriod(
  markets: Readonly<Record<string, readonly Candle[]>>,
  period: { from?: number | null; to?: number | null },
  warmupBars: number = DEFAULT_ENGINE_SETTINGS.candleLimit,
): BacktestPeriod {
  const series = Object.entries(markets);
  if (series.length === 0) throw new ConfigError('a backtest needs at least one market');
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const [symbol, candles] of series) {
    if (candles.length === 0) throw new ConfigError(`there are no candles of ${symbol} to replay`);
    from = Math.max(from, candles[Math.min(warmupBars - 1, candles.length - 1)]!.openTime);
    to = Math.min(to, candles.at(-1)!.openTime);
    first = Math.min(first, candles[0]!.openTime);
    last = Math.max(last, candles.at(-1)!.openTime);
  }
  from = period.from ?? from;
  to = period.to ?? to;
  // Steps fall on whole minutes of the first market's bars.
  const reference = series[0]![1];
  const inPeriod = reference.filter((candle) => candle.openTime >= from && candle.openTime <= to);
  if (inPeriod.length === 0) {
    throw new ConfigError(
      `no candle between ${iso(from)} and ${iso(to)}; the candles run from ${iso(first)} to ${iso(last)}`,
    );
  }
  const start = inPeriod[0]!.openTime;
  const end = inPeriod.at(-1)!.openTime;
  return { from: start, to: end, bars: inPeriod.length };
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
