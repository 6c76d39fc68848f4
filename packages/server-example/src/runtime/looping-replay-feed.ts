import { type Candle, ConfigError } from '@trd/core';
import type { PriceFeed } from '@trd/exchange-mock';

const BAR_MS = 60_000;

/**
 * Replays real 1m candles from `startAt` on, forever: the recording plays forward, then backward
 * (each bar mirrored: open and close swapped), then forward again, so the price path stays
 * continuous and within the recording's real range however long the demo runs.
 */
export function createLoopingReplayFeed(source: readonly Candle[], startAt: number): PriceFeed {
  if (source.length < 2) throw new ConfigError('a looping replay needs at least two candles');
  const count = source.length;

  const barAt = (index: number): Candle => {
    const lap = Math.floor(index / count);
    const position = index % count;
    const openTime = startAt + index * BAR_MS;
    if (lap % 2 === 0) return { ...source[position]!, openTime };
    const mirrored = source[count - 1 - position]!;
    return { ...mirrored, open: mirrored.close, close: mirrored.open, openTime };
  };
  /** Index of the bar open at `time`, or -1 before the start. */
  const indexAt = (time: number) => (time < startAt ? -1 : Math.floor((time - startAt) / BAR_MS));

  return {
    barsUpTo(time, limit) {
      const last = indexAt(time);
      const bars: Candle[] = [];
      for (let i = Math.max(0, last - limit + 1); i <= last; i++) bars.push(barAt(i));
      return bars;
    },
    barsBetween(fromExclusive, toInclusive) {
      const bars: Candle[] = [];
      if (toInclusive <= fromExclusive) return bars;
      for (let i = indexAt(fromExclusive) + 1; i <= indexAt(toInclusive); i++) bars.push(barAt(i));
      return bars;
    },
    currentBar(time) {
      const index = indexAt(time);
      return index < 0 ? undefined : barAt(index);
    },
  };
}
