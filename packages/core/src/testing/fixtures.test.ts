import { describe, expect, it } from 'vitest';
import { candleSchema } from '../domain/candle';
import { ConfigError } from '../errors';
import { createAnalysisInput, listCandleFixtures, loadCandleFixture } from './fixtures';

describe('candle fixtures', () => {
  it('lists the shipped fixtures', () => {
    expect(listCandleFixtures()).toEqual([
      'btc-usd-perp-1m-2022-01-03',
      'btcusdt-1m-2024-09-21',
      'ethusdt-1m-2022-08-14',
    ]);
  });

  it('loads consecutive, valid 1m candles with the file’s exact values', () => {
    for (const name of listCandleFixtures()) {
      const candles = loadCandleFixture(name);
      expect(candles.length).toBeGreaterThanOrEqual(1440);
      candles.forEach((candle, index) => {
        expect(candleSchema.safeParse(candle).success).toBe(true);
        expect(candle.low).toBeLessThanOrEqual(Math.min(candle.open, candle.close));
        expect(candle.high).toBeGreaterThanOrEqual(Math.max(candle.open, candle.close));
        if (index > 0) expect(candle.openTime - (candles[index - 1]?.openTime as number)).toBe(60_000);
      });
    }
    // First row of the BTCUSDT day: 1726876800000,63201.05000000,63201.06000000,63186.00000000,63196.00000000,10.91101000
    expect(loadCandleFixture('btcusdt-1m-2024-09-21')[0]).toEqual({
      openTime: 1726876800000,
      open: 63201.05,
      high: 63201.06,
      low: 63186,
      close: 63196,
      volume: 10.91101,
    });
  });

  it('hands out a fresh copy each time', () => {
    const first = loadCandleFixture('btcusdt-1m-2024-09-21');
    (first[0] as { close: number }).close = 1;
    first.pop();
    const second = loadCandleFixture('btcusdt-1m-2024-09-21');
    expect(second[0]?.close).toBe(63196);
    expect(second).toHaveLength(1440);
  });

  it('refuses an unknown fixture with the list of known ones', () => {
    expect(() => loadCandleFixture('dogeusdt')).toThrow(ConfigError);
    expect(() => loadCandleFixture('dogeusdt')).toThrow(/known: btc-usd-perp-1m-2022-01-03/);
  });
});

describe('createAnalysisInput', () => {
  it('builds a full input from a window of a fixture', () => {
    const input = createAnalysisInput({ fixture: 'ethusdt-1m-2022-08-14', endIndex: 250, windowSize: 60 });
    const all = loadCandleFixture('ethusdt-1m-2022-08-14');
    expect(input.symbol).toBe('ETHUSDT');
    expect(input.candles).toEqual(all.slice(191, 251));
    expect(input.market.price).toBe(all[250]?.close);
    expect(input.indicators.macd).not.toBeNull();
    expect(input.history.recentTrend).toBe('none');
    expect(input.config).toMatchObject({
      userId: 'user-1',
      symbol: 'ETHUSDT',
      takeProfitPercent: 0.3,
      stopLossPercent: 0.5,
    });
  });

  it('takes overrides for the user, history and settings', () => {
    const input = createAnalysisInput({ userId: 'u-9', config: { minConfidence: 70 } });
    expect(input.userId).toBe('u-9');
    expect(input.config.userId).toBe('u-9');
    expect(input.config.minConfidence).toBe(70);
    expect(input.candles).toHaveLength(100);
  });

  it('refuses a window outside the fixture', () => {
    expect(() => createAnalysisInput({ endIndex: 5000 })).toThrow(/outside fixture btcusdt-1m-2024-09-21/);
  });
});
