import type { Candle } from '@trd/core';

/**
 * A source of 1-minute bars for one symbol. A bar "exists" from its open time on: the current bar
 * at time `t` is the last one whose `openTime <= t`, so nothing from the future is ever shown.
 */
export interface PriceFeed {
  /** The last `limit` bars with `openTime <= time`, ascending. */
  barsUpTo(time: number, limit: number): Candle[];
  /** Bars with `fromExclusive < openTime <= toInclusive`, ascending (the price path between two moments). */
  barsBetween(fromExclusive: number, toInclusive: number): Candle[];
  /** The bar current at `time`, or `undefined` before the feed starts. */
  currentBar(time: number): Candle | undefined;
}

export const BAR_MS = 60_000;
