import { describe, expect, it } from 'vitest';
import type { Candle } from '../domain/candle';
import { ConfigError } from '../errors';
import { loadCandleFixture } from '../testing/fixtures';
import { summarizeMarket } from './market-summary';

function bars(closes: number[]): Candle[] {
  return closes.map((close, i) => ({
    openTime: 1_700_000_000_000 + i * 60_000,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 10,
  }));
}

describe('summarizeMarket', () => {
  it('summarizes a real window: last close, range, change and momentum', () => {
    const candles = loadCandleFixture('ethusdt-1m-2022-08-14').slice(200, 300);
    const summary = summarizeMarket('ETHUSDT', candles);
    const last = candles[99] as Candle;
    expect(summary.symbol).toBe('ETHUSDT');
    expect(summary.price).toBe(last.close);
    expect(summary.asOf).toBe(last.openTime);
    expect(summary.candleCount).toBe(100);
    expect(summary.high).toBe(Math.max(...candles.map((c) => c.high)));
    expect(summary.low).toBe(Math.min(...candles.map((c) => c.low)));
    expect(summary.changePercent).toBeCloseTo(
      ((last.close - (candles[0] as Candle).open) / (candles[0] as Candle).open) * 100,
      10,
    );
    const base = (candles[84] as Candle).close;
    expect(summary.momentumPercent).toBeCloseTo(((last.close - base) / base) * 100, 10);
  });

  it('calls a market up, down or sideways from 15-bar momentum and the 20-bar average', () => {
    const rising = bars(Array.from({ length: 40 }, (_, i) => 1000 + i));
    const falling = bars(Array.from({ length: 40 }, (_, i) => 1000 - i));
    const flat = bars(Array.from({ length: 40 }, (_, i) => 1000 + (i % 2)));
    expect(summarizeMarket('BTCUSDT', rising).trend).toBe('up');
    expect(summarizeMarket('BTCUSDT', falling).trend).toBe('down');
    expect(summarizeMarket('BTCUSDT', flat).trend).toBe('sideways');
    // +0.1% exactly over 15 bars is not yet a trend.
    const threshold = bars([
      ...Array.from({ length: 25 }, () => 1000),
      ...Array.from({ length: 15 }, () => 1001),
    ]);
    expect(summarizeMarket('BTCUSDT', threshold).momentumPercent).toBeCloseTo(0.1, 10);
    expect(summarizeMarket('BTCUSDT', threshold).trend).toBe('sideways');
  });

  it('uses the first open as the momentum base when there are 15 bars or fewer', () => {
    const candles = bars([100, 101, 102]);
    expect(summarizeMarket('BTCUSDT', candles).momentumPercent).toBeCloseTo(2, 10);
  });

  it('refuses an empty candle list with a clear error', () => {
    expect(() => summarizeMarket('BTCUSDT', [])).toThrow(ConfigError);
    expect(() => summarizeMarket('BTCUSDT', [])).toThrow(/no candles/);
  });
});
