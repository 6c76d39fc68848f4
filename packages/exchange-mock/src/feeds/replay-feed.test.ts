import { describe, expect, it } from 'vitest';
import { loadReplayCandles } from './load-replay-candles';
import { createReplayFeed } from './replay-feed';

const candles = loadReplayCandles('ethusdt-1m-2022-08-15');
const first = candles[0]!.openTime;
const minute = 60_000;

describe('replay feed', () => {
  it('shows a bar from its open time on, never before', () => {
    const feed = createReplayFeed({ candles });
    expect(feed.currentBar(first - 1)).toBeUndefined();
    expect(feed.currentBar(first)).toEqual(candles[0]);
    expect(feed.currentBar(first + minute - 1)).toEqual(candles[0]);
    expect(feed.currentBar(first + minute)).toEqual(candles[1]);
  });

  it('returns the last `limit` bars up to a time, ascending', () => {
    const feed = createReplayFeed({ candles });
    const bars = feed.barsUpTo(first + 100 * minute + 5, 3);
    expect(bars).toEqual(candles.slice(98, 101));
    expect(feed.barsUpTo(first + 2 * minute, 50)).toEqual(candles.slice(0, 3));
  });

  it('returns the price path between two moments, start excluded', () => {
    const feed = createReplayFeed({ candles });
    expect(feed.barsBetween(first, first + 3 * minute)).toEqual(candles.slice(1, 4));
    expect(feed.barsBetween(first + 30_000, first + 3 * minute - 1)).toEqual(candles.slice(1, 3));
    expect(feed.barsBetween(first + 3 * minute, first)).toEqual([]);
  });

  it('stays on the last bar after the recording ends', () => {
    const feed = createReplayFeed({ candles });
    expect(feed.currentBar(first + 10_000 * minute)).toEqual(candles.at(-1));
  });

  it('shifts every bar when anchored with startAt, keeping prices', () => {
    const startAt = Date.UTC(2031, 4, 1, 8, 0);
    const feed = createReplayFeed({ candles, startAt });
    expect(feed.currentBar(startAt + minute)).toEqual({ ...candles[1], openTime: startAt + minute });
    expect(feed.currentBar(first)).toBeUndefined();
  });

  it('hands out copies: callers cannot corrupt the recording', () => {
    const feed = createReplayFeed({ candles });
    feed.currentBar(first)!.close = 1;
    expect(feed.currentBar(first)!.close).toBe(candles[0]!.close);
  });

  it('refuses empty or unordered candles', () => {
    expect(() => createReplayFeed({ candles: [] })).toThrow(/at least one/);
    expect(() => createReplayFeed({ candles: [candles[1]!, candles[0]!] })).toThrow(/ascending/);
  });
});
