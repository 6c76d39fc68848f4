import { describe, expect, it } from 'vitest';
import { loadReplayCandles, parseCandleCsv, replayFixtureNames } from './load-replay-candles';

describe('replay fixtures', () => {
  it.each(replayFixtureNames)('%s holds 360 consecutive real 1m bars from 06:00 UTC', (name) => {
    const candles = loadReplayCandles(name);
    expect(candles).toHaveLength(360);
    expect(new Date(candles[0]!.openTime).getUTCHours()).toBe(6);
    for (let i = 1; i < candles.length; i++)
      expect(candles[i]!.openTime - candles[i - 1]!.openTime).toBe(60_000);
  });

  it('parses exact values from the CSV', () => {
    const [candle] = loadReplayCandles('btcusdt-1m-2024-09-21');
    expect(candle).toEqual({
      openTime: 1726898400000,
      open: 62908.82,
      high: 62918,
      low: 62908.81,
      close: 62918,
      volume: 9.40377,
    });
  });

  it('names the bad line of a broken CSV and refuses unknown fixtures', () => {
    expect(() =>
      parseCandleCsv('open_time_ms,open,high,low,close,volume\n1,2,3,1,2,5\nx,1,1,1,1,1\n'),
    ).toThrow(/line 3/);
    expect(() => loadReplayCandles('nope' as never)).toThrow(/unknown replay fixture/);
  });
});
