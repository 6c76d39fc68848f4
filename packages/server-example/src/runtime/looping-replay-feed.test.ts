import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { createLoopingReplayFeed } from './looping-replay-feed';

const MINUTE = 60_000;
const candles = loadReplayCandles('btcusdt-1m-2024-09-21');
const startAt = Date.UTC(2026, 0, 1);

describe('looping replay feed', () => {
  const feed = createLoopingReplayFeed(candles, startAt);

  it('replays the real candles from startAt, never a bar from the future', () => {
    expect(feed.currentBar(startAt - 1)).toBeUndefined();
    const bars = feed.barsUpTo(startAt + 10 * MINUTE + 30_000, 5);
    expect(bars.map((b) => b.openTime)).toEqual([6, 7, 8, 9, 10].map((i) => startAt + i * MINUTE));
    expect(bars[4]).toMatchObject({
      open: candles[10]!.open,
      close: candles[10]!.close,
      high: candles[10]!.high,
    });
  });

  it('keeps going past the end of the recording, mirrored, so the price path stays continuous', () => {
    const n = candles.length;
    const around = feed.barsBetween(startAt + (n - 3) * MINUTE, startAt + (n + 2) * MINUTE);
    expect(around).toHaveLength(5);
    for (let i = 1; i < around.length; i++) {
      expect(around[i]!.openTime - around[i - 1]!.openTime).toBe(MINUTE);
    }
    // The first mirrored bar is the last real bar backwards: it opens where the recording closed.
    expect(around[2]).toMatchObject({ open: candles[n - 1]!.close, close: candles[n - 1]!.open });
    expect(around[3]).toMatchObject({ open: candles[n - 2]!.close, close: candles[n - 2]!.open });
    // After two laps it is the recording again.
    expect(feed.currentBar(startAt + 2 * n * MINUTE)).toMatchObject({
      open: candles[0]!.open,
      close: candles[0]!.close,
    });
    const lows = candles.map((c) => c.low);
    const highs = candles.map((c) => c.high);
    for (const bar of feed.barsUpTo(startAt + 5 * n * MINUTE, 3 * n)) {
      expect(bar.low).toBeGreaterThanOrEqual(Math.min(...lows));
      expect(bar.high).toBeLessThanOrEqual(Math.max(...highs));
    }
  });
});
