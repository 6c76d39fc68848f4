import { type Candle, type CandleInterval, ConfigError, type MarketData, type MarketRules } from '@trd/core';
import type { MockFaults } from './faults/fault-injector';
import type { MockVenue } from './venue/mock-venue';

/** Binance's own cap on one klines request. */
const maxCandleLimit = 1000;

/** Public market data of the mock venue, read at the clock's current time. */
export function createMockMarketData(venue: MockVenue, faults: MockFaults): MarketData {
  function call<T>(
    operation: 'candles' | 'price' | 'rules',
    symbol: string,
    signal: AbortSignal | undefined,
    run: () => T,
  ): Promise<T> {
    signal?.throwIfAborted();
    return faults.run({ operation, symbol }, run);
  }

  return {
    specificationVersion: 'v1',
    async candles(
      symbol: string,
      options: { interval: CandleInterval; limit: number; signal?: AbortSignal },
    ): Promise<Candle[]> {
      if (options.interval !== '1m')
        throw new ConfigError(`the mock venue serves 1m candles only, not ${String(options.interval)}`);
      if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > maxCandleLimit) {
        throw new ConfigError(
          `candle limit must be an integer from 1 to ${maxCandleLimit}, got ${options.limit}`,
        );
      }
      return call('candles', symbol, options.signal, () => venue.candles(symbol, options.limit));
    },
    async price(symbol: string, options?: { signal?: AbortSignal }): Promise<number> {
      return call('price', symbol, options?.signal, () => venue.price(symbol));
    },
    async rules(symbol: string, options?: { signal?: AbortSignal }): Promise<MarketRules> {
      return call('rules', symbol, options?.signal, () => venue.rules(symbol));
    },
  };
}
