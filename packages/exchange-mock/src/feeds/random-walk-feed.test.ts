import { describe, expect, it } from 'vitest';
import { createRandomWalkFeed } from './random-walk-feed';

const startTime = Date.UTC(2025, 0, 6, 8, 0);
const minute = 60_000;
const options = { seed: 42, startPrice: 100, volatility: 0.002, startTime, tickSize: '0.01' };

describe('random-walk feed', () => {
  it('gives the same bars for the same seed, whatever order they are read in', () => {
    const a = createRandomWalkFeed(options);
    const b = createRandomWalkFeed(options);
    const late = b.currentBar(startTime + 499 * minute);
    const all = a.barsUpTo(startTime + 499 * minute, 1000);
    expect(all).toHaveLength(500);
    expect(all.at(-1)).toEqual(late);
    expect(b.barsUpTo(startTime + 499 * minute, 1000)).toEqual(all);
  });

  it('gives other bars for another seed', () => {
    const a = createRandomWalkFeed(options).barsUpTo(startTime + 50 * minute, 50);
    const b = createRandomWalkFeed({ ...options, seed: 43 }).barsUpTo(startTime + 50 * minute, 50);
    expect(a).not.toEqual(b);
  });

  it('makes consistent bars on the tick: each opens at the last close, high and low bracket it', () => {
    const bars = createRandomWalkFeed(options).barsUpTo(startTime + 999 * minute, 1000);
    expect(bars[0]!.open).toBe(100);
    for (const [index, bar] of bars.entries()) {
      expect(bar.openTime).toBe(startTime + index * minute);
      if (index > 0) expect(bar.open).toBe(bars[index - 1]!.close);
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
      expect(bar.low).toBeGreaterThan(0);
      for (const price of [bar.open, bar.high, bar.low, bar.close])
        expect(Math.round(price * 100) / 100).toBe(price);
    }
    // The walk moves: 1000 bars at 0.2% are not flat.
    expect(new Set(bars.map((bar) => bar.close)).size).toBeGreaterThan(100);
  });

  it('has nothing before its start and reads paths between moments', () => {
    const feed = createRandomWalkFeed(options);
    expect(feed.currentBar(startTime - 1)).toBeUndefined();
    expect(feed.barsUpTo(startTime - 1, 10)).toEqual([]);
    expect(feed.barsBetween(startTime, startTime + 3 * minute).map((bar) => bar.openTime)).toEqual(
      [1, 2, 3].map((i) => startTime + i * minute),
    );
    expect(feed.barsBetween(startTime - 5 * minute, startTime).map((bar) => bar.openTime)).toEqual([
      startTime,
    ]);
  });

  it('refuses nonsense settings', () => {
    expect(() => createRandomWalkFeed({ ...options, startPrice: 0 })).toThrow(/startPrice/);
    expect(() => createRandomWalkFeed({ ...options, volatility: -1 })).toThrow(/volatility/);
    expect(() => createRandomWalkFeed({ ...options, startTime: startTime + 1 })).toThrow(/whole minute/);
  });
});
