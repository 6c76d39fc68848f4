import {
  type Candle,
  type Clock,
  ConfigError,
  candleSchema,
  ExchangeUnavailableError,
  type MarketData,
  type MarketRules,
  NotFoundError,
} from '@trd/core';
import type { CcxtBinance } from './ccxt-client';
import { parseMarketRules } from './market-rules-parser';
import { abortable, type RetryOptions, retryRead } from './read-retry';

const MAX_KLINES = 1000;

export interface BinanceMarketDataOptions {
  client: CcxtBinance;
  clock: Clock;
  retry: RetryOptions;
}

export interface BinanceMarketData extends MarketData {
  /** Drops the cached exchangeInfo; the next `rules` call loads it again. */
  refreshRules(): void;
}

/** Public market data: klines, last price and the symbol filters (exchangeInfo loaded once, cached). */
export function createBinanceMarketData(options: BinanceMarketDataOptions): BinanceMarketData {
  const { client, clock, retry } = options;
  let rulesBySymbol: Promise<Map<string, MarketRules>> | undefined;

  const loadRules = (): Promise<Map<string, MarketRules>> => {
    rulesBySymbol ??= retryRead(clock, retry, async () => {
      // Reload inside our own cache: ccxt's cache would keep a failed or stale load.
      const markets = await client.loadMarkets(true);
      const rules = new Map<string, MarketRules>();
      for (const market of Object.values(markets)) {
        if (!market?.spot || !market.info) continue;
        rules.set(String(market.id), parseMarketRules(market.info));
      }
      return rules;
    }).catch((error: unknown) => {
      // A failed load is not cached: the next call tries again.
      rulesBySymbol = undefined;
      throw error;
    });
    return rulesBySymbol;
  };

  return {
    specificationVersion: 'v1',

    async candles(symbol, { interval, limit, signal }) {
      if (!Number.isInteger(limit) || limit < 1)
        throw new ConfigError(`candles: limit must be a positive integer, got ${limit}`);
      const rows = await abortable(
        retryRead(
          clock,
          retry,
          () => client.publicGetKlines({ symbol, interval, limit: Math.min(limit, MAX_KLINES) }),
          signal,
        ),
        signal,
      );
      return (rows as unknown[][]).map(parseKline);
    },

    async price(symbol, { signal } = {}) {
      const ticker = await abortable(
        retryRead(clock, retry, () => client.publicGetTickerPrice({ symbol }), signal),
        signal,
      );
      const price = Number((ticker as { price?: string }).price);
      // A 200 without a usable price is the venue's fault, not the caller's configuration.
      if (!Number.isFinite(price) || price <= 0)
        throw new ExchangeUnavailableError(`binance GET /api/v3/ticker/price: no price for ${symbol}`);
      return price;
    },

    async rules(symbol, { signal } = {}) {
      const rules = (await abortable(loadRules(), signal)).get(symbol);
      if (!rules) throw new NotFoundError(`binance: unknown spot symbol ${symbol}`);
      return { ...rules };
    },

    refreshRules() {
      rulesBySymbol = undefined;
    },
  };
}

/** `[openTime, open, high, low, close, volume, closeTime, …]`, prices and volume as strings. */
function parseKline(row: unknown[]): Candle {
  return candleSchema.parse({
    openTime: Number(row[0]),
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: Number(row[5]),
  });
}
