import type { Candle, CandleInterval } from '../domain/candle';
import type { MarketRules } from '../domain/market-rules';

/**
 * Public market data, shared by every user of one venue.
 *
 * Contract:
 * - `candles` MUST return closed-or-current bars in ascending `openTime`, at most `limit` of them,
 *   the last one being the most recent bar the venue has at the call (never one from the future).
 * - `price` MUST return the last traded price, quote units per base unit.
 * - `rules` MUST return the symbol's current tick size, step size and minimum notional; adapters
 *   SHOULD cache them (they change rarely).
 * - Errors MUST be core's typed errors (`ExchangeUnavailableError`, `RateLimitedError`, …).
 */
export interface MarketData {
  readonly specificationVersion: 'v1';
  candles(
    symbol: string,
    options: { interval: CandleInterval; limit: number; signal?: AbortSignal },
  ): Promise<Candle[]>;
  price(symbol: string, options?: { signal?: AbortSignal }): Promise<number>;
  rules(symbol: string, options?: { signal?: AbortSignal }): Promise<MarketRules>;
}
