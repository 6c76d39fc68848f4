import type { Candle } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createClosedBarFeed } from './closed-bar-feed';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 8, 21, 8);
const bar = (index: number): Candle => ({
  openTime: T0 + index * MINUTE,
  open: 100 + index,
  high: 101 + index,
  low: 99 + index,
  close: 100.5 + index,
  volume: 1,
});
const candles = Array.from({ length: 10 }, (_, index) => bar(index));

describe('createClosedBarFeed', () => {
  it('shows a bar from its close on, never while it is forming', () => {
    const feed = createClosedBarFeed(candles);
    expect(feed.currentBar(T0)).toBeUndefined();
    expect(feed.currentBar(T0 + MINUTE - 1)).toBeUndefined();
    expect(feed.currentBar(T0 + MINUTE)).toEqual(bar(0));
    expect(feed.currentBar(T0 + 5 * MINUTE + 30_000)).toEqual(bar(4));
    expect(feed.barsUpTo(T0 + 3 * MINUTE, 100)).toEqual([bar(0), bar(1), bar(2)]);
    expect(feed.barsUpTo(T0 + 3 * MINUTE, 2)).toEqual([bar(1), bar(2)]);
    // Going back in time (a second call for an earlier moment) still answers right.
    expect(feed.currentBar(T0 + 2 * MINUTE)).toEqual(bar(1));
    expect(feed.currentBar(T0 + 60 * MINUTE)).toEqual(bar(9));
  });

  it('gives the price path between two moments as the bars that closed in between', () => {
    const feed = createClosedBarFeed(candles);
    // An exit placed at bar 2's close is matched from bar 3 on: the bars closing after it.
    expect(feed.barsBetween(T0 + 3 * MINUTE, T0 + 5 * MINUTE)).toEqual([bar(3), bar(4)]);
    expect(feed.barsBetween(T0 + 3 * MINUTE, T0 + 3 * MINUTE)).toEqual([]);
  });

  it('shares frozen copies of the candles and refuses unordered ones', () => {
    const feed = createClosedBarFeed(candles);
    const shown = feed.currentBar(T0 + MINUTE)!;
    expect(Object.isFrozen(shown)).toBe(true);
    expect(feed.currentBar(T0 + MINUTE)).toBe(shown);
    expect(() => createClosedBarFeed([bar(1), bar(0)])).toThrow(/strictly ascending/);
    expect(() => createClosedBarFeed([])).toThrow(/at least one candle/);
  });
});
