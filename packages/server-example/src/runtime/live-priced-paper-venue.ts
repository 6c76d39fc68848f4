import type {
  Clock,
  ExitRef,
  ExitRequest,
  MarketData,
  MarketOrderRequest,
  MarketRules,
  TradingAccount,
} from '@trd/core';
import { createMockExchange, type MockExchange } from '@trd/exchange-mock';
import { MirrorFeed } from './mirror-feed';

/** Paper accounts on the simulated venue, filled at the real venue's live prices (dry-run). */
export interface LivePricedPaperVenue {
  /** The user's paper account: orders never leave this process. */
  account(userId: string): Promise<TradingAccount>;
}

/**
 * The simulated venue (`@trd/exchange-mock`: balances, fees, OCO exits triggered by the price
 * path) with the real venue's market rules and prices: before each paper operation the symbol's
 * recent 1-minute candles (the path exits are matched against) and last price (what a market
 * order fills at) are copied from `marketData`, at most once per `refreshMs` per symbol, so the
 * cost grows with symbols, not with paper users. Created on first use (the rules need the venue).
 */
export function createLivePricedPaperVenue(options: {
  marketData: MarketData;
  symbols: readonly string[];
  clock: Clock;
  /** Each new paper account's balances, e.g. `{ USDT: '10000' }`. */
  startingBalances: Record<string, string>;
  /** Keeps the paper venue across restarts (`@trd/exchange-mock`'s `stateFile`). */
  stateFile?: string;
  /** Reuse of a symbol's copied prices, ms on the clock (default 1 000). */
  refreshMs?: number;
}): LivePricedPaperVenue {
  const { marketData, clock } = options;
  const refreshMs = options.refreshMs ?? 1_000;
  const feeds = new Map(options.symbols.map((symbol) => [symbol, new MirrorFeed()]));
  const refreshed = new Map<string, { at: number; done: Promise<void> }>();
  let venue: Promise<MockExchange> | undefined;

  const exchange = (): Promise<MockExchange> => {
    venue ??= (async () => {
      const markets: Record<string, Omit<MarketRules, 'symbol'>> = {};
      for (const symbol of options.symbols) {
        const { symbol: _symbol, ...rules } = await marketData.rules(symbol);
        markets[symbol] = rules;
      }
      return createMockExchange({
        clock,
        name: 'paper',
        feeds: Object.fromEntries([...feeds].map(([symbol, feed]) => [symbol, { kind: 'custom', feed }])),
        markets,
        startingBalances: options.startingBalances,
        ...(options.stateFile ? { stateFile: options.stateFile } : {}),
      });
    })().catch((error: unknown) => {
      venue = undefined; // the real venue was unreachable: try again next time
      throw error;
    });
    return venue;
  };

  const refresh = (symbol: string): Promise<void> => {
    const last = refreshed.get(symbol);
    if (last && clock.now() - last.at < refreshMs) return last.done;
    const feed = feeds.get(symbol);
    if (!feed) return Promise.resolve(); // the simulated venue refuses the unknown symbol itself
    const done = (async () => {
      const mock = await exchange();
      // Every bar since the last copy (the path open exits are matched against), at least 2; after
      // a restart, since the venue was last saved (Binance serves up to 1 000).
      const since = feed.newestOpenTime() ?? mock.stateSavedAt() ?? clock.now() - 60 * 60_000;
      const missed = Math.ceil((clock.now() - since) / 60_000) + 1;
      const [candles, price] = await Promise.all([
        marketData.candles(symbol, { interval: '1m', limit: Math.min(1000, Math.max(2, missed)) }),
        marketData.price(symbol),
      ]);
      feed.update(candles);
      mock.setPrice(symbol, price);
    })();
    refreshed.set(symbol, { at: clock.now(), done });
    done.catch(() => refreshed.delete(symbol));
    return done;
  };
  const refreshAll = () => Promise.all(options.symbols.map(refresh));

  return {
    async account(userId) {
      const inner = (await exchange()).account({ apiKey: `paper-${userId}`, secret: 'paper' });
      // Prices first, then the simulated venue: the same call, on the real market's latest prices.
      const after =
        <T>(symbols: () => Promise<unknown>, call: () => Promise<T>) =>
        async (): Promise<T> => {
          await symbols();
          return call();
        };
      return {
        specificationVersion: 'v1',
        capabilities: inner.capabilities,
        balances: (request) => after(refreshAll, () => inner.balances(request))(),
        placeMarketOrder: (request: MarketOrderRequest) =>
          after(
            () => refresh(request.symbol),
            () => inner.placeMarketOrder(request),
          )(),
        findOrder: (symbol, clientOrderId) =>
          after(
            () => refresh(symbol),
            () => inner.findOrder(symbol, clientOrderId),
          )(),
        placeExit: (request: ExitRequest) =>
          after(
            () => refresh(request.symbol),
            () => inner.placeExit(request),
          )(),
        findExit: (symbol, clientOrderId) =>
          after(
            () => refresh(symbol),
            () => inner.findExit(symbol, clientOrderId),
          )(),
        exitStatus: (ref: ExitRef) =>
          after(
            () => refresh(ref.symbol),
            () => inner.exitStatus(ref),
          )(),
        cancelExit: (ref: ExitRef) =>
          after(
            () => refresh(ref.symbol),
            () => inner.cancelExit(ref),
          )(),
      };
    },
  };
}
