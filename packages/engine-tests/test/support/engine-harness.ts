import {
  type Candle,
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type EngineSettingsInput,
  type MarketData,
  type MemoryStore,
  RiskManager,
  type Signal,
  type Store,
  type TradingAccount,
  type TradingBot,
  type TradingBotEventName,
  type TradingBotEvents,
  type TradingConfig,
  VirtualClock,
} from '@trd/core';
import { createScriptedAnalyzer, loadCandleFixture, type ScriptedAnalyzer } from '@trd/core/testing';
import { createMockExchange, type MockExchange } from '@trd/exchange-mock';

/** 2024-09-21 00:00 UTC: the first bar of the BTCUSDT fixture (a quiet Saturday). */
export const FIXTURE_DAY = Date.UTC(2024, 8, 21);
export const at = (hour: number, minute = 0, second = 0) =>
  FIXTURE_DAY + ((hour * 60 + minute) * 60 + second) * 1000;

export interface HarnessOptions {
  users?: (Partial<TradingConfig> & { userId: string })[];
  settings?: EngineSettingsInput;
  start?: number;
  store?: Store;
  exchange?: MockExchange;
  clock?: VirtualClock;
  analyzer?: ScriptedAnalyzer;
  /** Wraps each user's trading account (e.g. to move the market at a chosen call). */
  wrapAccount?: (account: TradingAccount, userId: string) => TradingAccount;
  /** Balances of every new venue account; default 10 000 USDT. */
  startingBalances?: Record<string, string>;
  /** Wraps the venue's market data (e.g. with `recordCalls`). */
  wrapMarketData?: (marketData: MarketData) => MarketData;
  /** The engine's claim owner name; default `engine-under-test` (kept across `restart()`). */
  instanceId?: string;
  /** Default: the reference limits with no slippage, as the fixture venue fills at the last price. */
  riskManager?: RiskManager;
  /** For the venue: how long new orders stay invisible to lookups (ms). */
  orderVisibilityDelayMs?: number;
}

export interface Harness {
  clock: VirtualClock;
  exchange: MockExchange;
  store: Store;
  analyzer: ScriptedAnalyzer;
  bot: TradingBot;
  events: RecordedEvents;
  /** A new engine on the same store, exchange and clock (a restart). */
  restart(): Harness;
}

export type RecordedEvents = { [K in TradingBotEventName]: TradingBotEvents[K][0][] };

/** The mock venue replaying real BTCUSDT and ETHUSDT 1m candles of 2024-09-21 (ETH shifted onto that day). */
export function createFixtureExchange(
  clock: VirtualClock,
  orderVisibilityDelayMs = 0,
  startingBalances?: Record<string, string>,
): MockExchange {
  return createMockExchange({
    clock,
    orderVisibilityDelayMs,
    ...(startingBalances ? { startingBalances } : {}),
    feeds: {
      BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') },
      ETHUSDT: { kind: 'replay', candles: loadCandleFixture('ethusdt-1m-2022-08-14'), startAt: FIXTURE_DAY },
    },
  });
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const clock = options.clock ?? new VirtualClock(options.start ?? at(9));
  const exchange =
    options.exchange ??
    createFixtureExchange(clock, options.orderVisibilityDelayMs, options.startingBalances);
  const marketData = options.wrapMarketData
    ? options.wrapMarketData(exchange.marketData)
    : exchange.marketData;
  const store: Store = options.store ?? createMemoryStore({ clock });
  const analyzer = options.analyzer ?? createScriptedAnalyzer();
  const build = (): Harness => {
    const bot = createTradingBot({
      marketData,
      accountFor: (userId) => {
        const account = exchange.account({ apiKey: userId, secret: 'not-a-secret' });
        return options.wrapAccount ? options.wrapAccount(account, userId) : account;
      },
      analyzer,
      store,
      clock,
      riskManager: options.riskManager ?? new RiskManager({ slippagePercent: '0' }),
      // These tests script answers per user: the per-user analysis of the reference bot.
      settings: { analysisMode: 'personal', ...options.settings },
      // Stable across restarts, like a host name: a restarted engine resumes its own user claims at once.
      instanceId: options.instanceId ?? 'engine-under-test',
    });
    return { clock, exchange, store, analyzer, bot, events: recordEvents(bot), restart: build };
  };
  return build();
}

export async function activateUsers(
  store: Store,
  users: (Partial<TradingConfig> & { userId: string })[],
): Promise<void> {
  for (const user of users)
    await store.saveConfig(defaultTradingConfig(user.userId, { isActive: true, ...user }));
}

export function recordEvents(bot: TradingBot): RecordedEvents {
  const names: TradingBotEventName[] = [
    'cycle:start',
    'cycle:end',
    'analysis',
    'trade:rejected',
    'trade:opened',
    'trade:closed',
    'position:timeout',
    'position:protected',
    'position:unprotected',
    'reconciled',
    'error',
  ];
  const events = Object.fromEntries(names.map((name) => [name, []])) as unknown as RecordedEvents;
  for (const name of names) {
    (bot.on as (event: string, listener: (payload: unknown) => void) => void)(name, (payload) => {
      (events[name] as unknown[]).push(payload);
    });
  }
  return events;
}

/** A long at `price` with the reference bot's distances: stop −0.5%, take profit +0.3%. */
export function buyAt(price: number, confidence = 75): Signal {
  return { action: 'buy', confidence, entryPrice: price, stopLoss: price * 0.995, takeProfit: price * 1.003 };
}

/** Buys at the last close the analyzer sees (the market summary's price). */
export const buyAtMarket = (input: { market: { price: number } }): Signal => buyAt(input.market.price);

export type { Candle, MemoryStore };
