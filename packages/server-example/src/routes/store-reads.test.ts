import { EventEmitter } from 'node:events';
import { createMemoryStore, type MarketData, type Store, type TradingAccount, VirtualClock } from '@trd/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer, type TrdServer } from '../server/build-server';
import type { TradingEngine, UserRepository } from '../server/server-deps';
import { lifecycleFixtures, serveSeededReads } from './__fixtures__/position-lifecycle';

const NOW = Date.UTC(2024, 8, 21, 10, 0, 0);
const USER = 'u-reads';

/**
 * What the hot routes read per request (issue 10: "as few queries as possible"). The store and the
 * user repository are wrapped so every call is recorded; a new call here is a cost on every page
 * load of every user, so it should be a deliberate change of these expectations.
 */
describe('store reads per request', () => {
  const calls: string[] = [];
  let server: TrdServer;
  /** While set, `getPortfolio` waits for it to be called before it answers. */
  let holdPortfolio: Promise<void> | undefined;
  let balancesStarted = false;
  let token: string;

  const recording = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        // The session check of `authenticate` (one indexed read, every route) is not a route's read.
        if (typeof value !== 'function' || property === 'sessionVersion') return value;
        return (...args: unknown[]) => {
          calls.push(`${prefix}${String(property)}`);
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });

  beforeAll(async () => {
    const store: Store = createMemoryStore({ clock: new VirtualClock(NOW) });
    serveSeededReads(store, USER, lifecycleFixtures(USER, NOW));
    const seededPortfolio = store.getPortfolio;
    store.getPortfolio = async (userId) => {
      await holdPortfolio;
      return seededPortfolio.call(store, userId);
    };
    const users: UserRepository = {
      create: async () => {
        throw new Error('not in this test');
      },
      findByUsername: async () => null,
      findById: async () => null,
      setExchangeCredentials: async () => {},
      getExchangeCredentials: async () => null,
      setNotificationSettings: async () => {},
      getNotificationSettings: async () => null,
      getTradingMode: async () => 'paper',
      setTradingMode: async () => {},
      // Every token of these tests is of a live session (version 0).
      sessionVersion: async () => 0,
      revokeSessions: async () => 1,
    };
    const account = {
      balances: async () => {
        balancesStarted = true;
        return { USDT: { free: '1000', locked: '0' } };
      },
    } as unknown as TradingAccount;
    const engine = Object.assign(new EventEmitter(), {
      closeTrade: async () => {
        throw new Error('not in this test');
      },
    }) as unknown as TradingEngine;
    server = await buildServer({
      store: recording(store, 'store.'),
      users: recording(users, 'users.'),
      engine,
      marketData: {} as MarketData,
      accountFor: () => {
        calls.push('accountFor');
        return account;
      },
      clock: new VirtualClock(NOW),
      symbols: ['BTCUSDT'],
      security: {
        jwtSecret: 'store-reads-test-secret-0123456789abcdef',
        tokenTtlSeconds: 600,
        credentialsKey: Buffer.alloc(32, 1),
        allowedOrigins: [],
        rateLimitPerMinute: 10_000,
        loginRateLimitPerMinute: 1_000,
      },
      settings: {
        tradingHours: null,
        cycleMs: 60_000,
        monitorMs: 60_000,
        positionTimeoutMs: 1_800_000,
        exchange: 'mock',
        analyzer: 'scripted',
        demoMode: false,
      },
    });
    token = server.app.jwt.sign({ sub: USER, username: USER });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    calls.length = 0;
  });

  const get = (url: string) =>
    server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('GET /portfolio: three store reads and the balances, started together, no user lookup', async () => {
    let release: () => void = () => {};
    holdPortfolio = new Promise<void>((resolve) => (release = resolve));
    balancesStarted = false;
    const answer = get('/portfolio');
    // The portfolio read is held: the balances must not wait for it.
    await expect.poll(() => balancesStarted).toBe(true);
    expect(calls).toHaveLength(4);
    release();
    holdPortfolio = undefined;
    const response = await answer;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openPositions: 1, balances: [{ asset: 'USDT' }] });
    expect([...calls].sort()).toEqual([
      'accountFor',
      'store.countTradesSince',
      'store.getPortfolio',
      'store.openPositions',
    ]);
  });

  it('GET /trading/trades: one store read, no user lookup', async () => {
    const response = await get('/trading/trades?limit=20');
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual(['store.listTrades']);
  });

  it('refuses a bad token without reading anything', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/portfolio',
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(response.statusCode).toBe(401);
    expect(calls).toEqual([]);
  });
});
