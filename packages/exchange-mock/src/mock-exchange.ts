import {
  type Balances,
  ConfigError,
  dec,
  decimalStringSchema,
  type Exchange,
  type ExchangeCredentials,
  type ExitReport,
  type MarketData,
  systemClock,
  type TradingAccount,
} from '@trd/core';
import { type FaultInjector, MockFaults } from './faults/fault-injector';
import { BAR_MS, type PriceFeed } from './feeds/price-feed';
import { createRandomWalkFeed } from './feeds/random-walk-feed';
import { createReplayFeed } from './feeds/replay-feed';
import { defaultMarketRules } from './market-rules-defaults';
import type { FeedSpec, MockExchangeOptions } from './mock-exchange-options';
import { createMockMarketData } from './mock-market-data';
import { createMockTradingAccount } from './mock-trading-account';
import { type MockMarket, type MockOrderRecord, MockVenue } from './venue/mock-venue';
import { createVenueStateFile } from './venue/venue-state';

/** The simulated venue: an `Exchange` plus the controls tests drive it with. */
export interface MockExchange extends Exchange {
  readonly marketData: MarketData;
  /** Fault switches for reliability tests. */
  readonly faults: FaultInjector;
  /** Every order the venue accepted (market orders and exit legs), oldest first; one account's when `apiKey` is given. */
  orders(apiKey?: string): MockOrderRecord[];
  /** Every exit pair with its current state. */
  exits(apiKey?: string): ExitReport[];
  /** An account's balances now (a new account has the starting balances). */
  balances(apiKey: string): Balances;
  /** Adds funds to an account. */
  deposit(apiKey: string, asset: string, amount: string): void;
  /** Sets the last price now, until the next bar opens; open exits trade against it at once. */
  setPrice(symbol: string, price: number | string): void;
  /** The last price now. */
  currentPrice(symbol: string): number;
  /** Symbols the venue trades. */
  symbols(): string[];
  /**
   * With `stateFile`: the venue clock's time at the last save (by this process or, until it saves,
   * by the one before), to resume a clock from; `undefined` without a state file or before any save.
   */
  stateSavedAt(): number | undefined;
}

/** Creates a simulated spot venue driven entirely by the given clock: no timers, no network. */
export function createMockExchange(options: MockExchangeOptions): MockExchange {
  const clock = options.clock ?? systemClock;
  const feeRate = String(options.feeRate ?? '0.001');
  if (!decimalStringSchema.safeParse(feeRate).success || dec(feeRate).lt(0) || dec(feeRate).gte(1)) {
    throw new ConfigError(`feeRate must be a decimal from 0 (inclusive) to 1, got ${feeRate}`);
  }
  const slippageBps = options.slippageBps ?? 0;
  if (!(slippageBps >= 0 && slippageBps < 10_000))
    throw new ConfigError(`slippageBps must be from 0 to 9999, got ${slippageBps}`);
  const visibilityDelay = options.orderVisibilityDelayMs ?? 0;
  if (!(visibilityDelay >= 0)) throw new ConfigError('orderVisibilityDelayMs must be zero or positive');
  const startingBalances = options.startingBalances ?? { USDT: '10000' };
  for (const [asset, amount] of Object.entries(startingBalances)) {
    if (!decimalStringSchema.safeParse(amount).success || dec(amount).lt(0)) {
      throw new ConfigError(
        `starting balance of ${asset} must be a non-negative decimal string, got ${amount}`,
      );
    }
  }
  if (options.stateFile !== undefined && (typeof options.stateFile !== 'string' || options.stateFile === ''))
    throw new ConfigError('stateFile must be a non-empty path');
  const symbols = Object.keys(options.feeds ?? {});
  if (symbols.length === 0) throw new ConfigError('the mock exchange needs at least one feed');

  const markets = new Map<string, MockMarket>();
  for (const symbol of symbols) {
    const rules = defaultMarketRules(symbol, options.markets?.[symbol]);
    markets.set(symbol, { rules, feed: createFeed(options.feeds[symbol]!, rules.tickSize, clock.now()) });
  }
  const venue = new MockVenue({
    clock,
    markets,
    feeRate: dec(feeRate),
    slippageBps,
    startingBalances,
    orderVisibilityDelayMs: visibilityDelay,
    reuseFilledClientOrderIds: options.reuseFilledClientOrderIds ?? true,
    ...(options.stateFile ? { stateStore: createVenueStateFile(options.stateFile) } : {}),
  });
  const faults = new MockFaults();
  const marketData = createMockMarketData(venue, faults);

  return {
    specificationVersion: 'v1',
    name: options.name ?? 'mock',
    marketData,
    faults,
    account(credentials: ExchangeCredentials): TradingAccount {
      return createMockTradingAccount(venue, faults, credentials?.apiKey);
    },
    orders: (apiKey) => venue.orders(apiKey),
    exits: (apiKey) => venue.exits(apiKey),
    balances: (apiKey) => venue.balances(apiKey),
    deposit: (apiKey, asset, amount) => venue.deposit(apiKey, asset, amount),
    setPrice: (symbol, price) => venue.setPrice(symbol, price),
    currentPrice: (symbol) => venue.price(symbol),
    symbols: () => venue.symbols(),
    stateSavedAt: () => venue.stateSavedAt(),
    async close() {},
  };
}

function createFeed(spec: FeedSpec, tickSize: string, clockStart: number): PriceFeed {
  switch (spec.kind) {
    case 'replay':
      return createReplayFeed({ candles: spec.candles, startAt: spec.startAt });
    case 'random-walk': {
      const startTime =
        spec.startTime ?? Math.floor(clockStart / BAR_MS) * BAR_MS - (spec.warmupBars ?? 500) * BAR_MS;
      return createRandomWalkFeed({ ...spec, startTime, tickSize });
    }
    case 'custom':
      return spec.feed;
    default:
      throw new ConfigError(`unknown feed kind ${(spec as { kind: unknown }).kind}`);
  }
}
