import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock';
import { openPositionOf } from '../domain/open-position';
import type { OrderIntent } from '../domain/order-intent';
import type { Trade } from '../domain/trade';
import { defaultTradingConfig } from '../domain/trading-config';
import { ConflictError, NotFoundError } from '../errors';
import { createMemoryStore } from './memory-store';

const T0 = Date.UTC(2025, 5, 2, 9, 0);

function intent(id: string, overrides: Partial<OrderIntent> = {}): OrderIntent {
  return {
    clientOrderId: id,
    userId: 'u1',
    kind: 'entry',
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.001',
    tradeId: `trade-${id}`,
    state: 'pending',
    confidence: 70,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function trade(id: string, overrides: Partial<Trade> = {}): Trade {
  return {
    id,
    userId: 'u1',
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'filled',
    quantity: '0.001',
    entryPrice: '100000',
    entryFee: '0.1',
    takeProfit: '100300',
    stopLoss: '99500',
    confidence: 70,
    clientOrderId: `c-${id}`,
    openedAt: T0,
    ...overrides,
  };
}

function position(t: Trade) {
  return openPositionOf(t, { exitRef: 'x1' });
}

async function openTrade(
  store: ReturnType<typeof createMemoryStore>,
  id: string,
  overrides: Partial<Trade> = {},
) {
  const t = trade(id, overrides);
  await store.journalIntent(intent(t.clientOrderId, { userId: t.userId, tradeId: t.id }));
  await store.recordOpenedTrade({ trade: t, position: position(t), intentClientOrderId: t.clientOrderId });
  return t;
}

const exitOf = (tradeId: string, profitLoss: string) => ({
  tradeId,
  exitPrice: '100300',
  exitFee: '0.1003',
  exitReason: 'TAKE_PROFIT' as const,
  profitLoss,
  profitLossPercent: '0.1',
  closedAt: T0 + 60_000,
  durationSeconds: 60,
  exitQuantity: '0.001',
  dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0', cost: '0' },
});

describe('createMemoryStore', () => {
  it('keeps configs and lists the active ones by user id', async () => {
    const store = createMemoryStore();
    await store.saveConfig(defaultTradingConfig('b', { isActive: true }));
    await store.saveConfig(defaultTradingConfig('a', { isActive: true }));
    await store.saveConfig(defaultTradingConfig('c'));
    expect((await store.activeConfigs()).map((c) => c.userId)).toEqual(['a', 'b']);
    expect(await store.getConfig('zzz')).toBeNull();
  });

  it('returns copies that do not change the store', async () => {
    const store = createMemoryStore();
    await store.saveConfig(defaultTradingConfig('a', { isActive: true }));
    const config = (await store.getConfig('a'))!;
    config.isActive = false;
    expect((await store.getConfig('a'))?.isActive).toBe(true);
    await openTrade(store, 't1');
    const read = (await store.getTrade('u1', 't1'))!;
    read.entryPrice = '1';
    expect((await store.getTrade('u1', 't1'))?.entryPrice).toBe('100000');
    const [pos] = await store.openPositions();
    pos!.exitRef = 'changed';
    expect((await store.openPositions())[0]?.exitRef).toBe('x1');
  });

  it('gives recent closed trades as frozen copies: read-only, refreshed when a trade changes', async () => {
    const store = createMemoryStore();
    await openTrade(store, 't1');
    await store.recordClosedTrade(exitOf('t1', '0.5'));
    const [first] = await store.recentClosedTrades('u1', 15);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { profitLoss?: string }).profitLoss = '99';
    }).toThrow(TypeError);
    expect((await store.getTrade('u1', 't1'))?.profitLoss).toBe('0.5');
    await openTrade(store, 't2', { openedAt: T0 + 1 });
    await store.recordClosedTrade({ ...exitOf('t2', '-0.2'), closedAt: T0 + 120_000 });
    expect((await store.recentClosedTrades('u1', 15)).map((trade) => trade.id)).toEqual(['t2', 't1']);
    expect((await store.recentClosedTradesOf(['u1'], 1)).get('u1')?.map((trade) => trade.profitLoss)).toEqual(
      ['-0.2'],
    );
  });

  it('journals intents once and lists the unfinished ones oldest first', async () => {
    const store = createMemoryStore();
    await store.journalIntent(intent('b', { createdAt: T0 + 5 }));
    await store.journalIntent(intent('a', { createdAt: T0 }));
    await store.journalIntent(intent('c', { userId: 'u2', createdAt: T0 + 1 }));
    await expect(store.journalIntent(intent('a'))).rejects.toBeInstanceOf(ConflictError);
    await store.updateIntent('b', { state: 'entered', updatedAt: T0 + 10 });
    await store.updateIntent('c', { state: 'failed', error: 'not found', updatedAt: T0 + 10 });
    expect((await store.unfinishedIntents()).map((i) => i.clientOrderId)).toEqual(['a', 'b']);
    expect((await store.getIntent('c'))?.error).toBe('not found');
    expect(await store.unfinishedIntents('u2')).toEqual([]);
    await expect(store.updateIntent('nope', { state: 'failed', updatedAt: T0 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('records an opened trade with its position and moves the intent to open', async () => {
    const store = createMemoryStore();
    const t = await openTrade(store, 't1');
    expect((await store.getIntent(t.clientOrderId))?.state).toBe('open');
    expect(await store.openPositions('u1')).toHaveLength(1);
    await expect(
      store.recordOpenedTrade({ trade: t, position: position(t), intentClientOrderId: t.clientOrderId }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('writes nothing when the opened trade cannot be recorded', async () => {
    const store = createMemoryStore();
    const t = trade('t1');
    await expect(
      store.recordOpenedTrade({ trade: t, position: position(t), intentClientOrderId: 'missing' }),
    ).rejects.toThrow();
    expect(await store.getTrade('u1', 't1')).toBeNull();
    expect(await store.openPositions()).toEqual([]);
  });

  it('closes a trade once, deletes the position and updates the portfolio', async () => {
    const clock = new VirtualClock(T0);
    const store = createMemoryStore({ clock });
    await openTrade(store, 'win');
    await openTrade(store, 'loss', { openedAt: T0 + 1 });
    const closed = await store.recordClosedTrade(exitOf('win', '0.0997'));
    expect(closed).toMatchObject({
      status: 'closed',
      exitReason: 'TAKE_PROFIT',
      profitLoss: '0.0997',
      durationSeconds: 60,
    });
    await store.recordClosedTrade({ ...exitOf('loss', '-0.6'), exitReason: 'STOP_LOSS' });
    await expect(store.recordClosedTrade(exitOf('win', '0.0997'))).rejects.toBeInstanceOf(ConflictError);
    await expect(store.recordClosedTrade(exitOf('unknown', '1'))).rejects.toBeInstanceOf(ConflictError);
    expect(await store.openPositions()).toEqual([]);
    expect(await store.getPortfolio('u1')).toMatchObject({
      totalTrades: 2,
      winningTrades: 1,
      losingTrades: 1,
      winRate: 50,
      totalRealizedPnl: '-0.5003',
      totalFees: '0.4006',
    });
    expect(await store.getPortfolio('nobody')).toMatchObject({
      totalTrades: 0,
      totalRealizedPnl: '0',
      updatedAt: T0,
    });
  });

  it('has open work while an intent is unfinished or a position open, and none after', async () => {
    const store = createMemoryStore();
    expect(store.hasOpenWork()).toBe(false);
    await store.journalIntent(intent('c-failed', { userId: 'u2' }));
    expect(store.hasOpenWork()).toBe(true);
    await store.updateIntent('c-failed', { state: 'failed', updatedAt: T0 + 1 });
    expect(store.hasOpenWork()).toBe(false);
    await openTrade(store, 't1');
    expect(store.hasOpenWork()).toBe(true);
    await store.recordClosedTrade(exitOf('t1', '0.1'));
    expect(store.hasOpenWork()).toBe(false);
  });

  it('lists, pages and counts trades', async () => {
    const store = createMemoryStore();
    await openTrade(store, 't1', { openedAt: T0 - 3_600_000 });
    await openTrade(store, 't2', { openedAt: T0 });
    await openTrade(store, 't3', { openedAt: T0 + 1000 });
    await store.recordFailedTrade(trade('t4', { openedAt: T0 + 2000, clientOrderId: 'c-t4' }));
    await store.recordClosedTrade(exitOf('t2', '1'));
    await store.recordClosedTrade({ ...exitOf('t1', '2'), closedAt: T0 + 90_000 });
    const page = await store.listTrades('u1', { limit: 2, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.trades.map((t) => t.id)).toEqual(['t4', 't3']);
    expect(
      (await store.listTrades('u1', { limit: 10, offset: 0, status: 'closed' })).trades.map((t) => t.id),
    ).toEqual(['t2', 't1']);
    expect((await store.recentClosedTrades('u1', 15)).map((t) => t.id)).toEqual(['t1', 't2']);
    expect(await store.countTradesSince('u1', T0)).toBe(2);
    expect(await store.countTradesSince('u2', T0)).toBe(0);
    expect(await store.getTrade('u2', 't1')).toBeNull();
  });

  it('keeps analyses newest first', async () => {
    const store = createMemoryStore();
    for (const at of [T0, T0 + 2, T0 + 1]) {
      await store.recordAnalysis({
        id: `a${at}`,
        userId: 'u1',
        symbol: 'BTCUSDT',
        analyzer: 'technical',
        signal: { action: 'hold', confidence: 0 },
        price: 100,
        createdAt: at,
      });
    }
    expect((await store.recentAnalyses('u1', 2)).map((a) => a.createdAt)).toEqual([T0 + 2, T0 + 1]);
  });

  it("with maxAnalysesPerUser, keeps each user's newest records and forgets the oldest", async () => {
    const store = createMemoryStore({ maxAnalysesPerUser: 3 });
    const record = (userId: string, at: number) => ({
      id: `${userId}-${at}`,
      userId,
      symbol: 'BTCUSDT',
      analyzer: 'technical',
      signal: { action: 'hold' as const, confidence: 0 },
      price: 100,
      createdAt: at,
    });
    for (let at = 1; at <= 10; at++) await store.recordAnalyses([record('u1', at)]);
    await store.recordAnalysis(record('u2', 1));
    const kept = (await store.listAnalyses('u1', { limit: 100 })).map((a) => a.createdAt);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(6);
    expect(kept.slice(0, 3)).toEqual([10, 9, 8]);
    expect(kept).not.toContain(1);
    expect(await store.recentAnalyses('u2', 5)).toHaveLength(1);
    // A forgotten id is no longer a duplicate; a kept one still is.
    await store.recordAnalysis(record('u1', 1));
    await expect(store.recordAnalysis(record('u1', 10))).rejects.toThrow(/already exists/);
  });

  it('lets one owner at a time hold a user until the claim expires', async () => {
    const clock = new VirtualClock(T0);
    const store = createMemoryStore({ clock });
    expect(await store.claimUsers('p1', ['a', 'b'], 10_000)).toEqual(['a', 'b']);
    expect(await store.claimUsers('p2', ['a', 'b', 'c'], 10_000)).toEqual(['c']);
    expect(await store.claimUsers('p1', ['a'], 10_000)).toEqual(['a']);
    await clock.advance(10_000);
    expect(await store.claimUsers('p2', ['a', 'b'], 10_000)).toEqual(['a', 'b']);
    await store.releaseUsers('p2');
    expect(await store.claimUsers('p1', ['a', 'b', 'c'], 10_000)).toEqual(['a', 'b', 'c']);
  });
});
