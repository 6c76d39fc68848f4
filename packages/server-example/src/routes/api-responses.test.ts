import { EventEmitter } from 'node:events';
import {
  createMemoryStore,
  Decimal,
  exitReasonSchema,
  type MarketData,
  type OpenPosition,
  type Store,
  type TradingAccount,
  VirtualClock,
} from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type TrdServer } from '../server/build-server';
import type { TradingEngine, UserRepository } from '../server/server-deps';
import {
  EXIT_NOTES,
  type LifecycleFixtures,
  lifecycleFixtures,
  serveSeededReads,
} from './__fixtures__/position-lifecycle';

const NOW = Date.UTC(2024, 8, 21, 10, 0, 0);
const USER = 'u-seed';

/** The server over a memory store whose reads of USER come from the lifecycle fixtures. */
async function seededServer(store: Store): Promise<TrdServer> {
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
    balances: async () => ({ USDT: { free: '1000', locked: '0' }, BTC: { free: '0.00000945', locked: '0' } }),
  } as unknown as TradingAccount;
  const engine = Object.assign(new EventEmitter(), {
    closeTrade: async () => {
      throw new Error('not in this test');
    },
  }) as unknown as TradingEngine;
  return buildServer({
    store,
    users,
    engine,
    marketData: {} as MarketData,
    accountFor: () => account,
    clock: new VirtualClock(NOW),
    symbols: ['BTCUSDT'],
    security: {
      jwtSecret: 'api-responses-test-secret-0123456789abcdef',
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
}

describe('API responses with the position lifecycle fields', () => {
  let server: TrdServer;
  let store: Store;
  let seed: LifecycleFixtures;
  const get = async (url: string, userId = USER) => {
    const token = server.app.jwt.sign({ sub: userId, username: userId });
    const response = await server.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    store = createMemoryStore({ clock: new VirtualClock(NOW) });
    seed = lifecycleFixtures(USER, NOW);
    serveSeededReads(store, USER, seed);
    server = await seededServer(store);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves closed trades with every exit reason, their exit notes and exit quantities', async () => {
    const response = await get('/trading/trades?status=closed&limit=100');
    expect(response.status).toBe(200);
    const trades = response.body.trades as Record<string, unknown>[];
    expect(trades.map((trade) => trade.exitReason).sort()).toEqual([...exitReasonSchema.options].sort());
    for (const trade of trades) {
      expect(trade.exitQuantity).toBe('0.01585');
      expect(trade.exitNote).toBe(EXIT_NOTES[trade.exitReason as keyof typeof EXIT_NOTES]);
    }
    expect(trades.find((trade) => trade.exitReason === 'STOP_UNFILLED')).toEqual(
      seed.trades.find((trade) => trade.exitReason === 'STOP_UNFILLED'),
    );
  });

  it('pages the whole history, the open trade included', async () => {
    const page = await get('/trading/trades?limit=100');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(seed.trades.length);
  });

  it('serves an unprotected position with the time since when, and no exit reference', async () => {
    const response = await get('/trading/positions');
    expect(response.status).toBe(200);
    expect(response.body.positions).toEqual([seed.position]);
    expect(response.body.positions[0]).toMatchObject({
      protection: 'unprotected',
      unprotectedSince: NOW - 45_000,
    });
    expect(response.body.positions[0]).not.toHaveProperty('exitRef');
  });

  it('serves a protected position with its exit reference', async () => {
    const { unprotectedSince: _since, ...rest } = seed.position;
    const unprotected = seed.position;
    seed.position = { ...rest, protection: 'protected', exitRef: 'oco-9' };
    try {
      const response = await get('/trading/positions');
      expect(response.status).toBe(200);
      expect(response.body.positions).toEqual([seed.position]);
    } finally {
      seed.position = unprotected;
    }
  });

  it('serves the portfolio with its dust holdings', async () => {
    const response = await get('/portfolio');
    expect(response.status).toBe(200);
    expect(response.body.stats.dust).toEqual([
      { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.00000945', cost: '0.5957' },
    ]);
    expect(response.body.stats.totalTrades).toBe(7);
    expect(response.body.openPositions).toBe(1);
  });

  it('counts every exit reason in the performance', async () => {
    const response = await get('/portfolio/performance');
    expect(response.status).toBe(200);
    expect(response.body.byExitReason).toEqual(
      Object.fromEntries(exitReasonSchema.options.map((reason) => [reason, 1])),
    );
  });

  it('answers core’s profit factor and drawdown, consistent with the totals', async () => {
    const { body } = await get('/portfolio/performance');
    expect(new Decimal(body.grossProfit).minus(body.grossLoss).eq(body.totalPnl)).toBe(true);
    expect(body.profitFactor).toBeCloseTo(new Decimal(body.grossProfit).div(body.grossLoss).toNumber(), 12);
    // The deepest fall of the cumulative P&L curve (which starts at 0) below an earlier peak.
    let peak = new Decimal(0);
    let deepest = new Decimal(0);
    for (const point of body.equityCurve as { cumulativePnl: string }[]) {
      peak = Decimal.max(peak, point.cumulativePnl);
      deepest = Decimal.max(deepest, peak.minus(point.cumulativePnl));
    }
    expect(body.maxDrawdown).toBe(deepest.toFixed());
  });

  it('documents the new fields in the OpenAPI description', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const text = response.body;
    for (const name of [
      ...exitReasonSchema.options,
      'exitNote',
      'exitQuantity',
      'unprotectedSince',
      'dust',
    ]) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).toContain('"protected"');
    expect(text).toContain('"unprotected"');
  });
});

describe('API responses from a store one version behind', () => {
  it('derives the protection state from the exit reference and answers no dust, never a 500', async () => {
    const store = createMemoryStore({ clock: new VirtualClock(NOW) });
    // What a store from before the protection state and dust returns.
    const legacyPosition = (tradeId: string, exitRef?: string) => {
      const position: Record<string, unknown> = {
        tradeId,
        userId: USER,
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.01',
        entryPrice: '63000',
        takeProfit: '63189',
        stopLoss: '62685',
        openedAt: NOW - 1000,
      };
      if (exitRef) position.exitRef = exitRef;
      return position as unknown as OpenPosition;
    };
    store.openPositions = async () => [legacyPosition('t-protected', 'oco-1'), legacyPosition('t-bare')];
    const getPortfolio = store.getPortfolio.bind(store);
    store.getPortfolio = async (userId) => {
      const { dust: _dust, ...stats } = await getPortfolio(userId);
      return stats as never;
    };
    const server = await seededServer(store);
    try {
      const token = server.app.jwt.sign({ sub: USER, username: USER });
      const headers = { authorization: `Bearer ${token}` };
      const positions = await server.app.inject({ method: 'GET', url: '/trading/positions', headers });
      expect(positions.statusCode).toBe(200);
      expect(positions.json().positions).toEqual([
        { ...legacyPosition('t-protected', 'oco-1'), protection: 'protected' },
        { ...legacyPosition('t-bare'), protection: 'unprotected', unprotectedSince: NOW - 1000 },
      ]);
      const portfolio = await server.app.inject({ method: 'GET', url: '/portfolio', headers });
      expect(portfolio.statusCode).toBe(200);
      expect(portfolio.json().stats.dust).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
