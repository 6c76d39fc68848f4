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
import { createLastPrices } from './last-prices';
import { abortable, type RetryOptions, retryRead } from './read-retry';
import { type BinanceSymbolRules, parseSymbolRules } from './symbol-rules';

const MAX_KLINES = 1000;

export interface BinanceMarketDataOptions {
  client: CcxtBinance;
  clock: Clock;
  retry: RetryOptions;
  /** exchangeInfo older than this is loaded again on the next use, ms. */
  rulesMaxAgeMs: number;
  /** How long an average price (GET avgPrice) is reused for the same symbol, ms. */
  averagePriceMaxAgeMs: number;
  /** How long a last price (GET ticker/price) is reused for the same symbol, ms; 0 reads every time. */
  priceMaxAgeMs: number;
}

export interface BinanceMarketData extends MarketData {
  /**
   * Loads exchangeInfo again now (the adapter calls it after Binance refuses an order on a filter
   * or the symbol's state); until the answer arrives, callers wait for it. A failed reload keeps
   * the rules loaded before.
   */
  refreshRules(): void;
  /** Every rule of the symbol the adapter checks (core's `MarketRules` plus status, order types, the other filters). */
  symbolRules(symbol: string, options?: { signal?: AbortSignal }): Promise<BinanceSymbolRules>;
  /**
   * Binance's average price of the symbol (`GET /api/v3/avgPrice`, weight 2): what it judges a
   * MARKET order's notional and PERCENT_PRICE_BY_SIDE by. Reused for `averagePriceMaxAgeMs`.
   */
  averagePrice(symbol: string): Promise<string>;
}

interface LoadedRules {
  loadedAt: number;
  bySymbol: Map<string, BinanceSymbolRules>;
}

/**
 * Public market data: klines, last price, the average price and the symbol filters. exchangeInfo
 * is cached and loaded again once older than `rulesMaxAgeMs`, or at once on `refreshRules()`.
 */
export function createBinanceMarketData(options: BinanceMarketDataOptions): BinanceMarketData {
  const { client, clock, retry } = options;
  let loading: Promise<LoadedRules> | undefined;
  let loaded: LoadedRules | undefined;
  const averages = new Map<string, { at: number; price: Promise<string> }>();
  const lastPrice = createLastPrices({ client, clock, retry, maxAgeMs: options.priceMaxAgeMs });

  const fetchRules = (): Promise<LoadedRules> =>
    retryRead(clock, retry, async () => {
      // Reload inside our own cache: ccxt's cache would keep a failed or stale load.
      const markets = await client.loadMarkets(true);
      const bySymbol = new Map<string, BinanceSymbolRules>();
      for (const market of Object.values(markets)) {
        if (!market?.spot || !market.info) continue;
        bySymbol.set(String(market.id), parseSymbolRules(market.info));
      }
      return { loadedAt: clock.now(), bySymbol };
    });

  const reload = (): Promise<LoadedRules> => {
    loading ??= fetchRules()
      .then((rules) => {
        loaded = rules;
        return rules;
      })
      .catch((error: unknown) => {
        // Rules loaded before stay in use; with none, the caller sees the failure.
        if (loaded) return loaded;
        throw error;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  const loadRules = (): Promise<LoadedRules> => {
    if (loading) return loading;
    if (loaded && clock.now() - loaded.loadedAt < options.rulesMaxAgeMs) return Promise.resolve(loaded);
    return reload();
  };

  const symbolRules = async (symbol: string, signal?: AbortSignal): Promise<BinanceSymbolRules> => {
    const rules = (await abortable(loadRules(), signal)).bySymbol.get(symbol);
    if (!rules) throw new NotFoundError(`binance: unknown spot symbol ${symbol}`);
    return rules;
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

    price: (symbol, { signal } = {}) => lastPrice(symbol, signal),

    async rules(symbol, { signal } = {}): Promise<MarketRules> {
      return { ...(await symbolRules(symbol, signal)).market };
    },

    symbolRules: (symbol, { signal } = {}) => symbolRules(symbol, signal),

    averagePrice(symbol) {
      const cached = averages.get(symbol);
      if (cached && clock.now() - cached.at < options.averagePriceMaxAgeMs) return cached.price;
      const price = retryRead(clock, retry, () => client.publicGetAvgPrice({ symbol })).then((answer) => {
        const value = Number((answer as { price?: string })?.price);
        // A 200 without a usable price is the venue's fault (not retried).
        if (!Number.isFinite(value) || value <= 0)
          throw new ExchangeUnavailableError(`binance GET /api/v3/avgPrice: no price for ${symbol}`);
        return String((answer as { price: string }).price);
      });
      averages.set(symbol, { at: clock.now(), price });
      // A failed read is not reused.
      price.catch(() => {
        if (averages.get(symbol)?.price === price) averages.delete(symbol);
      });
      return price;
    },

    refreshRules() {
      void reload().catch(() => undefined);
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
