import type { IndicatorSnapshot } from '../domain/analysis-input';
import type { Candle } from '../domain/candle';

/** The reference bot's indicator settings. */
export const INDICATOR_SETTINGS = {
  rsiPeriod: 14,
  macdFastPeriod: 12,
  macdSlowPeriod: 26,
  macdSignalPeriod: 9,
  bollingerPeriod: 20,
  bollingerStdDev: 2,
  volumeAveragePeriod: 20,
} as const;

/** Fewest candles for which every indicator has a value (MACD's signal line needs 26 + 9 − 1). */
export const MIN_CANDLES_FOR_INDICATORS =
  INDICATOR_SETTINGS.macdSlowPeriod + INDICATOR_SETTINGS.macdSignalPeriod - 1;

/**
 * Latest RSI(14), MACD(12, 26, 9), Bollinger(20, 2) and volume-vs-20-bar-average of ascending
 * candles. Each indicator is `null` when there are too few candles for it (or the data is not finite).
 *
 * Hand-written single passes over the window, without allocating: the same operations in the same
 * order as `technicalindicators`' batch functions (RSI rounded to 2 decimals as the library does,
 * running sums for the simple averages), so the values are the library's to the last bit
 * (indicators.test.ts) at a fraction of the cost. EMAs and Wilder's averages are seeded at the
 * window's first candle, as the library's batch over the engine's candle window is.
 */
export function computeIndicators(candles: readonly Candle[]): IndicatorSnapshot {
  return {
    rsi: latestRsi(candles, candles.length),
    macd: macdAt(candles, candles.length),
    bollinger: latestBollinger(candles, candles.length),
    volume: latestVolume(candles),
  };
}

/**
 * Latest MACD(12, 26, 9) of the first `count` ascending candles (default all of them), alone;
 * `null` with too few. `computeMacd(candles, candles.length - 1)` is the bar before's, without a copy.
 */
export function computeMacd(candles: readonly Candle[], count = candles.length): IndicatorSnapshot['macd'] {
  return macdAt(candles, Math.min(count, candles.length));
}

function latestRsi(candles: readonly Candle[], count: number): number | null {
  const period = INDICATOR_SETTINGS.rsiPeriod;
  if (count < period + 1) return null;
  // No change at all has no strength either way; the library would call it 100.
  const first = candles[0]!.close;
  let flat = true;
  for (let i = 1; i < count && flat; i++) flat = candles[i]!.close === first;
  if (flat) return 50;
  let gainSum = 0;
  let lossSum = 0;
  let averageGain = 0;
  let averageLoss = 0;
  for (let i = 1; i < count; i++) {
    const change = candles[i]!.close - candles[i - 1]!.close;
    // The library's ternaries, not Math.max: a NaN change counts as 0 there, as here.
    // biome-ignore lint/complexity/useMathMinMax: keeps the library's NaN behaviour
    const gain = change > 0 ? change : 0;
    // biome-ignore lint/complexity/useMathMinMax: keeps the library's NaN behaviour
    const loss = -change > 0 ? -change : 0;
    if (i < period) {
      gainSum += gain;
      lossSum += loss;
    } else if (i === period) {
      averageGain = (gainSum + gain) / period;
      averageLoss = (lossSum + loss) / period;
    } else {
      averageGain = (averageGain * (period - 1) + gain) / period;
      averageLoss = (averageLoss * (period - 1) + loss) / period;
    }
  }
  let rsi: number;
  if (averageLoss === 0) rsi = 100;
  else if (averageGain === 0) rsi = 0;
  else {
    const strength = averageGain / averageLoss;
    rsi = Number.parseFloat((100 - 100 / (1 + (Number.isNaN(strength) ? 0 : strength))).toFixed(2));
  }
  return finite(rsi) ? rsi : null;
}

function macdAt(candles: readonly Candle[], count: number): IndicatorSnapshot['macd'] {
  const {
    macdFastPeriod: fastPeriod,
    macdSlowPeriod: slowPeriod,
    macdSignalPeriod: signalPeriod,
  } = INDICATOR_SETTINGS;
  if (count < MIN_CANDLES_FOR_INDICATORS) return null;
  const fastK = 2 / (fastPeriod + 1);
  const slowK = 2 / (slowPeriod + 1);
  const signalK = 2 / (signalPeriod + 1);
  let fastSum = 0;
  let slowSum = 0;
  let fast = 0;
  let slow = 0;
  let signalSum = 0;
  let signal = 0;
  let line = 0;
  for (let i = 0; i < count; i++) {
    const close = candles[i]!.close;
    // Each EMA is seeded with the simple mean of its first `period` values (a running sum).
    if (i < fastPeriod) {
      fastSum += close;
      if (i === fastPeriod - 1) fast = fastSum / fastPeriod;
    } else fast = (close - fast) * fastK + fast;
    if (i < slowPeriod) {
      slowSum += close;
      if (i === slowPeriod - 1) slow = slowSum / slowPeriod;
    } else slow = (close - slow) * slowK + slow;
    if (i < slowPeriod - 1) continue;
    line = fast - slow;
    const lineIndex = i - (slowPeriod - 1);
    if (lineIndex < signalPeriod) {
      signalSum += line;
      if (lineIndex === signalPeriod - 1) signal = signalSum / signalPeriod;
    } else signal = (line - signal) * signalK + signal;
  }
  const histogram = line - signal;
  if (!finite(line) || !finite(signal) || !finite(histogram)) return null;
  return { macd: line, signal, histogram };
}

function latestBollinger(candles: readonly Candle[], count: number): IndicatorSnapshot['bollinger'] {
  const period = INDICATOR_SETTINGS.bollingerPeriod;
  if (count < period) return null;
  // The library's mean is a running sum over the whole window (add the new close, drop the oldest).
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum = i < period ? sum + candles[i]!.close : sum - candles[i - period]!.close + candles[i]!.close;
  }
  const middle = sum / period;
  let squares = 0;
  for (let i = count - period; i < count; i++) {
    const deviation = candles[i]!.close - middle;
    squares = squares + deviation ** 2;
  }
  const spread = Math.sqrt(squares / period) * INDICATOR_SETTINGS.bollingerStdDev;
  const upper = middle + spread;
  const lower = middle - spread;
  if (!finite(upper) || !finite(middle) || !finite(lower)) return null;
  return { upper, middle, lower };
}

function latestVolume(candles: readonly Candle[]): IndicatorSnapshot['volume'] {
  const period = INDICATOR_SETTINGS.volumeAveragePeriod;
  if (candles.length < period) return null;
  // The average includes the current bar, as a rolling 20-bar mean does.
  let total = 0;
  for (let i = candles.length - period; i < candles.length; i++) total += candles[i]!.volume;
  const average20 = total / period;
  const current = candles[candles.length - 1]!.volume;
  if (!finite(current) || !finite(average20)) return null;
  return { current, average20, ratio: average20 > 0 ? current / average20 : 0 };
}

function finite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
