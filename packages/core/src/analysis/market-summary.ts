import type { MarketSummary } from '../domain/analysis-input';
import type { Candle } from '../domain/candle';
import { ConfigError } from '../errors';

/** Bars the momentum (and the trend) looks back over. */
export const MOMENTUM_BARS = 15;
/** Bars of the simple moving average the price is compared with for the trend. */
export const TREND_AVERAGE_BARS = 20;
/** Momentum, in percent, below which the market counts as sideways. */
export const TREND_THRESHOLD_PERCENT = 0.1;

/**
 * The market as the analyzer sees it, from ascending candles (the last is the current bar).
 * `trend` is `up` when the 15-bar momentum is above +0.1% and the price above its 20-bar average,
 * `down` for the mirror image, `sideways` otherwise.
 * @throws ConfigError when there are no candles.
 */
export function summarizeMarket(symbol: string, candles: readonly Candle[]): MarketSummary {
  const first = candles[0];
  const last = candles.at(-1);
  if (!first || !last) throw new ConfigError(`cannot summarize ${symbol}: no candles`);

  let high = -Infinity;
  let low = Infinity;
  for (const candle of candles) {
    if (candle.high > high) high = candle.high;
    if (candle.low < low) low = candle.low;
  }

  // The close before the momentum window; with fewer bars, the first open.
  const momentumBase =
    candles.length > MOMENTUM_BARS ? (candles.at(-MOMENTUM_BARS - 1) as Candle).close : first.open;
  const momentumPercent = percentChange(momentumBase, last.close);
  const averageWindow = candles.slice(-TREND_AVERAGE_BARS);
  const average = averageWindow.reduce((sum, candle) => sum + candle.close, 0) / averageWindow.length;

  let trend: MarketSummary['trend'] = 'sideways';
  if (momentumPercent > TREND_THRESHOLD_PERCENT && last.close > average) trend = 'up';
  else if (momentumPercent < -TREND_THRESHOLD_PERCENT && last.close < average) trend = 'down';

  return {
    symbol,
    price: last.close,
    changePercent: percentChange(first.open, last.close),
    high,
    low,
    momentumPercent,
    trend,
    candleCount: candles.length,
    asOf: last.openTime,
  };
}

function percentChange(from: number, to: number): number {
  return from > 0 ? ((to - from) / from) * 100 : 0;
}
