import { type Candle, ConfigError } from '@trd/core';
import type { PriceFeed } from '@trd/exchange-mock';

const MINUTE = 60_000;

/**
 * A replay feed on which a 1m bar appears when it CLOSES (`openTime + 1 min <= time`), not when it
 * opens: at a bar's close the venue's last price is that close, the engine's newest candle is that
 * bar, and an exit placed then is matched only against the bars that close after it. (The mock
 * venue's own replay feed shows a bar whole from its open time on, which is look-ahead for a
 * backtest.) The candles are shared, never copied: they are frozen so that nobody can change them.
 */
export function createClosedBarFeed(source: readonly Candle[]): PriceFeed {
  if (source.length === 0) throw new ConfigError('a backtest market needs at least one candle');
  const candles = source.map((candle) => Object.freeze({ ...candle }));
  for (let i = 1; i < candles.length; i++) {
    if (candles[i]!.openTime <= candles[i - 1]!.openTime) {
      throw new ConfigError(`candles must be strictly ascending by open time (index ${i})`);
    }
  }
  let cursor = 0;

  /** Number of bars closed at `time`; the last answer is where the search starts (time moves forward). */
  const closedAt = (time: number): number => {
    const limit = time - MINUTE;
    if (cursor > candles.length) cursor = candles.length;
    if (cursor > 0 && candles[cursor - 1]!.openTime > limit) cursor = search(limit);
    while (cursor < candles.length && candles[cursor]!.openTime <= limit) cursor++;
    return cursor;
  };
  const search = (limit: number): number => {
    let low = 0;
    let high = candles.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (candles[middle]!.openTime <= limit) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  return {
    barsUpTo(time, limit) {
      const end = closedAt(time);
      return candles.slice(Math.max(0, end - limit), end);
    },
    barsBetween(fromExclusive, toInclusive) {
      if (toInclusive <= fromExclusive) return [];
      const start = search(fromExclusive - MINUTE);
      return candles.slice(start, closedAt(toInclusive));
    },
    currentBar(time) {
      const end = closedAt(time);
      return end === 0 ? undefined : candles[end - 1];
    },
  };
}
