import { BollingerBands, MACD, RSI } from 'technicalindicators';
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

// The library rounds through a global "precision" setting unless given a formatter: keep raw values.
const raw = (value: number) => value;

/**
 * Latest RSI(14), MACD(12, 26, 9), Bollinger(20, 2) and volume-vs-20-bar-average of ascending
 * candles. Each indicator is `null` when there are too few candles for it (or the data is not finite).
 */
export function computeIndicators(candles: readonly Candle[]): IndicatorSnapshot {
  const closes = candles.map((candle) => candle.close);
  return {
    rsi: latestRsi(closes),
    macd: macdOfCloses(closes),
    bollinger: latestBollinger(closes),
    volume: latestVolume(candles),
  };
}

function latestRsi(closes: number[]): number | null {
  if (closes.length < INDICATOR_SETTINGS.rsiPeriod + 1) return null;
  // No change at all has no strength either way; the library would call it 100.
  if (closes.every((close) => close === closes[0])) return 50;
  const values = RSI.calculate({ period: INDICATOR_SETTINGS.rsiPeriod, values: closes });
  const rsi = values.at(-1);
  return finite(rsi) ? rsi : null;
}

/** Latest MACD(12, 26, 9) of ascending candles alone (the other indicators cost twice as much again); `null` with too few. */
export function computeMacd(candles: readonly Candle[]): IndicatorSnapshot['macd'] {
  return macdOfCloses(candles.map((candle) => candle.close));
}

function macdOfCloses(closes: number[]): IndicatorSnapshot['macd'] {
  if (closes.length < MIN_CANDLES_FOR_INDICATORS) return null;
  const values = MACD.calculate({
    values: closes,
    fastPeriod: INDICATOR_SETTINGS.macdFastPeriod,
    slowPeriod: INDICATOR_SETTINGS.macdSlowPeriod,
    signalPeriod: INDICATOR_SETTINGS.macdSignalPeriod,
    // Exponential averages for both lines: the standard MACD (the library defaults to simple ones).
    SimpleMAOscillator: false,
    SimpleMASignal: false,
    format: raw,
  });
  const last = values.at(-1);
  if (!last || !finite(last.MACD) || !finite(last.signal) || !finite(last.histogram)) return null;
  return { macd: last.MACD, signal: last.signal, histogram: last.histogram };
}

function latestBollinger(closes: number[]): IndicatorSnapshot['bollinger'] {
  if (closes.length < INDICATOR_SETTINGS.bollingerPeriod) return null;
  const values = BollingerBands.calculate({
    period: INDICATOR_SETTINGS.bollingerPeriod,
    stdDev: INDICATOR_SETTINGS.bollingerStdDev,
    values: closes,
    format: raw,
  });
  const last = values.at(-1);
  if (!last || !finite(last.upper) || !finite(last.middle) || !finite(last.lower)) return null;
  return { upper: last.upper, middle: last.middle, lower: last.lower };
}

function latestVolume(candles: readonly Candle[]): IndicatorSnapshot['volume'] {
  const period = INDICATOR_SETTINGS.volumeAveragePeriod;
  if (candles.length < period) return null;
  // The average includes the current bar, as a rolling 20-bar mean does.
  const window = candles.slice(-period);
  const average20 = window.reduce((sum, candle) => sum + candle.volume, 0) / period;
  const current = window[period - 1]?.volume;
  if (!finite(current) || !finite(average20)) return null;
  return { current, average20, ratio: average20 > 0 ? current / average20 : 0 };
}

function finite(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
