import { type Candle, ConfigError, roundToTick } from '@trd/core';
import { BAR_MS, type PriceFeed } from './price-feed';
import { createSeededRandom, normalFrom } from './seeded-random';

export interface RandomWalkFeedOptions {
  seed: number;
  /** Open of the first bar, quote units. */
  startPrice: number;
  /** Standard deviation of one bar's log return, e.g. 0.001 for 0.1% a minute. */
  volatility: number;
  /** Open time of the first bar, Unix ms (a whole minute). Give it for runs reproducible across clock starts. */
  startTime: number;
  /** Prices are rounded to this tick. */
  tickSize: string;
}

/**
 * A geometric random walk of 1m bars from a seed. Bars are generated in order and cached, so the
 * same seed and start time always give the same bars whatever order they are read in.
 */
export function createRandomWalkFeed(options: RandomWalkFeedOptions): PriceFeed {
  const { seed, startPrice, volatility, startTime, tickSize } = options;
  if (!(startPrice > 0)) throw new ConfigError('random-walk startPrice must be positive');
  if (!(volatility >= 0)) throw new ConfigError('random-walk volatility must be zero or positive');
  if (startTime % BAR_MS !== 0) throw new ConfigError('random-walk startTime must be a whole minute');
  const random = createSeededRandom(seed);
  const tick = Number(tickSize);
  const toTick = (price: number) => Math.max(tick, Number(roundToTick(price, tickSize)));
  const bars: Candle[] = [];

  const generateThrough = (index: number) => {
    while (bars.length <= index) {
      const previous = bars[bars.length - 1];
      const open = previous ? previous.close : toTick(startPrice);
      const close = toTick(open * Math.exp(volatility * normalFrom(random)));
      const high = toTick(Math.max(open, close) * (1 + Math.abs(volatility * normalFrom(random)) / 2));
      const low = toTick(Math.min(open, close) * (1 - Math.abs(volatility * normalFrom(random)) / 2));
      const volume = Math.round((1 + random() * 20) * 1e5) / 1e5;
      bars.push({
        openTime: startTime + bars.length * BAR_MS,
        open,
        high,
        low: Math.min(low, open, close),
        close,
        volume,
      });
    }
  };

  /** Index of the bar current at `time`, -1 before the walk starts. */
  const indexAt = (time: number) => (time < startTime ? -1 : Math.floor((time - startTime) / BAR_MS));

  return {
    barsUpTo(time, limit) {
      const last = indexAt(time);
      if (last < 0) return [];
      generateThrough(last);
      return bars.slice(Math.max(0, last + 1 - limit), last + 1).map((c) => ({ ...c }));
    },
    barsBetween(fromExclusive, toInclusive) {
      const last = indexAt(toInclusive);
      if (last < 0 || toInclusive <= fromExclusive) return [];
      generateThrough(last);
      const first = indexAt(fromExclusive) + 1;
      return bars.slice(Math.max(0, first), last + 1).map((c) => ({ ...c }));
    },
    currentBar(time) {
      const index = indexAt(time);
      if (index < 0) return undefined;
      generateThrough(index);
      return { ...bars[index]! };
    },
  };
}
