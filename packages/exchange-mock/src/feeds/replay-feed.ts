import { type Candle, ConfigError } from '@trd/core';
import type { PriceFeed } from './price-feed';

export interface ReplayFeedOptions {
  /** Real 1m candles, strictly ascending by `openTime`. */
  candles: readonly Candle[];
  /**
   * When set, the replay is shifted so the first candle opens at this Unix ms time. By default
   * the candles keep their own timestamps (set the clock to them).
   */
  startAt?: number;
}

/** Replays recorded candles against the clock: after the last candle the market stays on it. */
export function createReplayFeed(options: ReplayFeedOptions): PriceFeed {
  const source = options.candles;
  if (source.length === 0) throw new ConfigError('a replay feed needs at least one candle');
  const shift = options.startAt === undefined ? 0 : options.startAt - source[0]!.openTime;
  const candles = source.map((candle) => ({ ...candle, openTime: candle.openTime + shift }));
  for (let i = 1; i < candles.length; i++) {
    if (candles[i]!.openTime <= candles[i - 1]!.openTime) {
      throw new ConfigError(`replay candles must be strictly ascending by openTime (index ${i})`);
    }
  }

  /** Number of candles with openTime <= time. */
  const countUpTo = (time: number): number => {
    let low = 0;
    let high = candles.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (candles[middle]!.openTime <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  return {
    barsUpTo(time, limit) {
      const end = countUpTo(time);
      return candles.slice(Math.max(0, end - limit), end).map((c) => ({ ...c }));
    },
    barsBetween(fromExclusive, toInclusive) {
      if (toInclusive <= fromExclusive) return [];
      return candles.slice(countUpTo(fromExclusive), countUpTo(toInclusive)).map((c) => ({ ...c }));
    },
    currentBar(time) {
      const end = countUpTo(time);
      return end === 0 ? undefined : { ...candles[end - 1]! };
    },
  };
}
