import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadCandles, type OhlcvSource } from './download-candles';

const MINUTE = 60_000;
const T0 = Date.UTC(2025, 0, 1);

/** A venue with a kline every minute from T0, serving at most `limit` (capped at 1,000) a call. */
function fakeVenue(): OhlcvSource & { calls: { symbol: string; since?: number }[] } {
  const calls: { symbol: string; since?: number }[] = [];
  return {
    calls,
    loadMarkets: async () => ({}),
    market: (symbol) => ({ symbol: symbol === 'BTCUSDT' ? 'BTC/USDT' : symbol }),
    fetchOHLCV: async (symbol, _timeframe, since = T0, limit = 500) => {
      calls.push({ symbol, since });
      const first = Math.ceil((since - T0) / MINUTE);
      return Array.from({ length: Math.min(limit, 1000) }, (_, i) => {
        const price = 100 + ((first + i) % 7);
        return [T0 + (first + i) * MINUTE, price, price + 1, price - 1, price, 2];
      });
    },
  };
}

describe('downloadCandles (ccxt fetchOHLCV into a local cache)', () => {
  it('pages through the period 1,000 bars a request, caches TRD’s CSV, and reads the cache the second time', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'trd-candle-cache-'));
    const venue = fakeVenue();
    const options = { source: venue, symbol: 'BTCUSDT', from: T0, to: T0 + 2499 * MINUTE, cacheDir };
    const first = await downloadCandles(options);
    expect(first.cached).toBe(false);
    expect(first.candles).toHaveLength(2500);
    expect(first.candles.at(-1)!.openTime).toBe(T0 + 2499 * MINUTE);
    expect(venue.calls).toEqual([
      { symbol: 'BTC/USDT', since: T0 },
      { symbol: 'BTC/USDT', since: T0 + 1000 * MINUTE },
      { symbol: 'BTC/USDT', since: T0 + 2000 * MINUTE },
    ]);
    expect(readFileSync(first.file, 'utf8').split('\n')[0]).toBe('open_time_ms,open,high,low,close,volume');

    const again = await downloadCandles(options);
    expect(again).toEqual({ ...first, cached: true });
    expect(venue.calls).toHaveLength(3);
  });
});
