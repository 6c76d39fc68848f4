import { BollingerBands, MACD, RSI } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../domain/candle';
import { loadCandleFixture } from '../testing/fixtures';
import { computeIndicators, computeMacd, MIN_CANDLES_FOR_INDICATORS } from './indicators';

// Independent textbook implementations, written from the definitions, to check the library's wiring.
function wilderRsi(closes: number[], period = 14): number {
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  for (let i = period + 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    gain = (gain * (period - 1) + Math.max(change, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-change, 0)) / period;
  }
  if (loss === 0) return 100;
  return 100 - 100 / (1 + gain / loss);
}

/** EMA seeded with the simple mean of the first `period` values; entries before the seed are undefined. */
function ema(values: number[], period: number): (number | undefined)[] {
  const k = 2 / (period + 1);
  const out: (number | undefined)[] = [];
  let previous: number | undefined;
  values.forEach((value, index) => {
    if (index < period - 1) out.push(undefined);
    else if (index === period - 1) {
      previous = values.slice(0, period).reduce((a, b) => a + b, 0) / period;
      out.push(previous);
    } else {
      previous = (value - (previous as number)) * k + (previous as number);
      out.push(previous);
    }
  });
  return out;
}

function macd(closes: number[]) {
  const fast = ema(closes, 12);
  const slow = ema(closes, 26);
  const line = closes.map((_, i) =>
    slow[i] === undefined ? undefined : (fast[i] as number) - (slow[i] as number),
  );
  const defined = line.filter((value): value is number => value !== undefined);
  const signal = ema(defined, 9).at(-1) as number;
  const last = defined.at(-1) as number;
  return { macd: last, signal, histogram: last - signal };
}

function bollinger(closes: number[]) {
  const window = closes.slice(-20);
  const middle = window.reduce((a, b) => a + b, 0) / 20;
  const deviation = Math.sqrt(window.reduce((sum, close) => sum + (close - middle) ** 2, 0) / 20);
  return { upper: middle + 2 * deviation, middle, lower: middle - 2 * deviation };
}

function windowOf(candles: Candle[], end: number, size = 100): Candle[] {
  return candles.slice(end - size, end);
}

describe('computeIndicators', () => {
  const fixtures = ['btcusdt-1m-2024-09-21', 'ethusdt-1m-2022-08-14', 'btc-usd-perp-1m-2022-01-03'];

  for (const name of fixtures) {
    it(`matches textbook RSI, MACD, Bollinger and volume on real candles (${name})`, () => {
      const all = loadCandleFixture(name);
      for (const end of [100, 437, 911, 1440]) {
        const candles = windowOf(all, end);
        const closes = candles.map((candle) => candle.close);
        const snapshot = computeIndicators(candles);

        // The library rounds RSI to 2 decimals.
        expect(snapshot.rsi).toBeCloseTo(wilderRsi(closes), 1);
        expect(Math.abs((snapshot.rsi as number) - wilderRsi(closes))).toBeLessThanOrEqual(0.005 + 1e-9);

        const expectedMacd = macd(closes);
        const scale = Math.max(1, Math.abs(expectedMacd.macd));
        expect(Math.abs((snapshot.macd?.macd as number) - expectedMacd.macd) / scale).toBeLessThan(1e-9);
        expect(Math.abs((snapshot.macd?.signal as number) - expectedMacd.signal) / scale).toBeLessThan(1e-9);
        expect(Math.abs((snapshot.macd?.histogram as number) - expectedMacd.histogram) / scale).toBeLessThan(
          1e-9,
        );

        const expectedBands = bollinger(closes);
        expect(snapshot.bollinger?.middle).toBeCloseTo(expectedBands.middle, 6);
        expect(snapshot.bollinger?.upper).toBeCloseTo(expectedBands.upper, 6);
        expect(snapshot.bollinger?.lower).toBeCloseTo(expectedBands.lower, 6);

        const volumes = candles.slice(-20).map((candle) => candle.volume);
        const average = volumes.reduce((a, b) => a + b, 0) / 20;
        expect(snapshot.volume?.current).toBe(candles.at(-1)?.volume);
        expect(snapshot.volume?.average20).toBeCloseTo(average, 8);
        expect(snapshot.volume?.ratio).toBeCloseTo((candles.at(-1)?.volume as number) / average, 10);
      }
    });
  }

  // The engine used technicalindicators' batch functions on its candle window; the hand-written passes
  // must give the very same numbers, or a backtest would no longer be what the engine did before.
  for (const name of fixtures) {
    it(`equals technicalindicators' batch RSI, MACD and Bollinger to the last bit (${name})`, () => {
      const all = loadCandleFixture(name);
      const raw = (value: number) => value;
      let compared = 0;
      for (let end = 34; end <= all.length; end += end < 140 ? 1 : 37) {
        const candles = all.slice(Math.max(0, end - 100), end);
        const closes = candles.map((candle) => candle.close);
        const snapshot = computeIndicators(candles);
        expect(snapshot.rsi).toBe(RSI.calculate({ period: 14, values: closes }).at(-1));
        const batchMacd = MACD.calculate({
          values: closes,
          fastPeriod: 12,
          slowPeriod: 26,
          signalPeriod: 9,
          SimpleMAOscillator: false,
          SimpleMASignal: false,
          format: raw,
        });
        const last = batchMacd.at(-1)!;
        expect(snapshot.macd).toEqual({ macd: last.MACD, signal: last.signal, histogram: last.histogram });
        // The bar before's MACD without a copy: the library's batch over one candle less.
        const before = batchMacd.at(-2);
        if (candles.length > 34 && before) {
          expect(computeMacd(candles, candles.length - 1)).toEqual({
            macd: before.MACD,
            signal: before.signal,
            histogram: before.histogram,
          });
        }
        const bands = BollingerBands.calculate({ period: 20, stdDev: 2, values: closes, format: raw }).at(
          -1,
        )!;
        expect(snapshot.bollinger).toEqual({ upper: bands.upper, middle: bands.middle, lower: bands.lower });
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
    });
  }

  it('gives null for each indicator until it has enough candles', () => {
    const all = loadCandleFixture('btcusdt-1m-2024-09-21');
    const at = (count: number) => computeIndicators(all.slice(0, count));

    expect(computeIndicators([])).toEqual({ rsi: null, macd: null, bollinger: null, volume: null });
    expect(at(14).rsi).toBeNull();
    expect(at(15).rsi).not.toBeNull();
    expect(at(19).bollinger).toBeNull();
    expect(at(19).volume).toBeNull();
    expect(at(20).bollinger).not.toBeNull();
    expect(at(20).volume).not.toBeNull();
    expect(at(MIN_CANDLES_FOR_INDICATORS - 1).macd).toBeNull();
    expect(at(MIN_CANDLES_FOR_INDICATORS).macd).not.toBeNull();
  });

  it('reads RSI 100 when every close rises and 0 when every close falls', () => {
    const candle = (openTime: number, close: number): Candle => ({
      openTime,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    });
    const rising = Array.from({ length: 40 }, (_, i) => candle(i * 60_000, 100 + i));
    const falling = Array.from({ length: 40 }, (_, i) => candle(i * 60_000, 200 - i));
    expect(computeIndicators(rising).rsi).toBe(100);
    expect(computeIndicators(falling).rsi).toBe(0);
  });

  it('reads a market without any price change as neutral, and volumeless bars as a zero volume ratio', () => {
    const flat = Array.from({ length: 30 }, (_, i) => ({
      openTime: i * 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 0,
    }));
    expect(computeIndicators(flat).rsi).toBe(50);
    expect(computeIndicators(flat).volume).toEqual({ current: 0, average20: 0, ratio: 0 });
  });
});
