import type { Candle } from '@trd/core';
import type { PriceFeed } from '@trd/exchange-mock';

/** Bars kept per symbol: a day of 1-minute bars, more than any exit waits. */
const MAX_BARS = 1_440;

/**
 * A price feed for the simulated venue that holds whatever bars it was last given: the real
 * venue's 1-minute candles, copied in before each paper operation (see `live-priced-paper-venue`).
 */
export class MirrorFeed implements PriceFeed {
  private bars: Candle[] = [];

  /** Merges candles (ascending): a bar already held is replaced by its newer copy. */
  update(candles: readonly Candle[]): void {
    const first = candles[0];
    if (!first) return;
    const kept = this.bars.filter((bar) => bar.openTime < first.openTime);
    this.bars = [...kept, ...candles].slice(-MAX_BARS);
  }

  /** Open time of the newest bar held, `undefined` before the first update. */
  newestOpenTime(): number | undefined {
    return this.bars.at(-1)?.openTime;
  }

  barsUpTo(time: number, limit: number): Candle[] {
    return this.bars.filter((bar) => bar.openTime <= time).slice(-limit);
  }

  barsBetween(fromExclusive: number, toInclusive: number): Candle[] {
    return this.bars.filter((bar) => bar.openTime > fromExclusive && bar.openTime <= toInclusive);
  }

  currentBar(time: number): Candle | undefined {
    return this.barsUpTo(time, 1)[0];
  }
}
