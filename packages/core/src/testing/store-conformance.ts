import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock';
import { dec } from '../decimal';
import type { AnalysisRecord } from '../domain/analysis-record';
import { exitReasonSchema } from '../domain/exit-reason';
import {
  type OpenPosition,
  openPositionOf,
  type PositionExitUpdate,
  withPositionExit,
} from '../domain/open-position';
import type { OrderIntent } from '../domain/order-intent';
import type { DustHolding } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import { defaultTradingConfig } from '../domain/trading-config';
import { ConflictError, NotFoundError, TrdError } from '../errors';
import type { Store, TradeExit } from '../ports/store';

/**
 * What a store holds, read past the store's own read path (a direct SQL query, a file read), so
 * the suite checks that writes really reached the backing storage. Decimals may come back in
 * any equal form ('0.5', '0.500000').
 */
export interface StoreReadBack {
  trade(tradeId: string): Promise<{ status: string; quantity: string; profitLoss: string | null } | null>;
  openPositionExists(tradeId: string): Promise<boolean>;
  intentState(clientOrderId: string): Promise<string | null>;
  portfolio(userId: string): Promise<{ totalTrades: number; totalRealizedPnl: string } | null>;
  /** The open position's protection state as stored (optional, for stores written before it). */
  positionProtection?(
    tradeId: string,
  ): Promise<{ protection: string; exitRef: string | null; tradeExitRef: string | null } | null>;
  /** The user's stored dust of a symbol, `null` when there is none (optional, as above). */
  dust?(userId: string, symbol: string): Promise<{ quantity: string; cost: string } | null>;
}

export interface StoreConformanceOptions<S extends Store = Store> {
  /** Shown in the suite's name. */
  name: string;
  /**
   * Creates the store under test, once for the whole suite (every test uses its own user ids).
   * The store MUST take lease and heartbeat time (`claimUsers`, `liveOwners`) from `clock`.
   */
  create: (context: { clock: VirtualClock }) => Promise<S>;
  /** Closes what `create` opened; default: `store.close?.()`. */
  teardown?: (store: S) => Promise<void>;
  /** Direct reads of the backing storage, to verify writes independently of the store's reads. */
  readBack?: (store: S) => StoreReadBack;
}

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;
let sequence = 0;

/** Ids unique across tests and runs, so tests never see each other's rows (also in a reused database). */
function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function intentFor(userId: string, overrides: Partial<OrderIntent> = {}): OrderIntent {
  return {
    clientOrderId: uniqueId('cid'),
    userId,
    kind: 'entry',
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.001',
    tradeId: uniqueId('trade'),
    state: 'pending',
    confidence: 72,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function tradeFor(intent: OrderIntent, overrides: Partial<Trade> = {}): Trade {
  return {
    id: intent.tradeId,
    userId: intent.userId,
    symbol: intent.symbol,
    side: intent.side,
    status: 'filled',
    quantity: intent.quantity,
    entryPrice: '50000',
    entryFee: '0.05',
    takeProfit: '50150',
    stopLoss: '49750',
    confidence: intent.confidence ?? 70,
    clientOrderId: intent.clientOrderId,
    entryOrderId: uniqueId('order'),
    exitRef: uniqueId('oco'),
    openedAt: intent.createdAt,
    ...overrides,
  };
}

function positionFor(trade: Trade): OpenPosition {
  return openPositionOf(trade, { exitRef: trade.exitRef ?? 'oco' });
}

/** The trade's symbol with `quantity` of dust (default none) costing `cost`. */
function dustFor(trade: Trade, quantity = '0', cost = '0'): DustHolding {
  return { symbol: trade.symbol, asset: trade.symbol.replace(/USDT$/, ''), quantity, cost };
}

function exitFor(trade: Trade, overrides: Partial<TradeExit> = {}): TradeExit {
  return {
    tradeId: trade.id,
    exitPrice: '50150',
    exitFee: '0.05',
    exitReason: 'TAKE_PROFIT',
    exitQuantity: trade.quantity,
    dust: dustFor(trade),
    profitLoss: '0.05',
    profitLossPercent: '0.1',
    closedAt: trade.openedAt + 5 * MINUTE,
    durationSeconds: 300,
    ...overrides,
  };
}

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a ConflictError').toBeDefined();
  expect(TrdError.isInstance(error)).toBe(true);
  expect((error as TrdError).code).toBe(new ConflictError('').code);
}

async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a NotFoundError').toBeDefined();
  expect(TrdError.isInstance(error)).toBe(true);
  expect((error as TrdError).code).toBe(new NotFoundError('').code);
}

async function expectTrdError(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a TrdError').toBeDefined();
  expect(TrdError.isInstance(error)).toBe(true);
}

/**
 * Every MUST of the `Store` port (packages/core/src/ports/store.ts) as vitest tests, keyv-style:
 * an adapter's test file calls `runStoreConformance({ name, create })` and adds its own cases.
 */
export function runStoreConformance<S extends Store>(options: StoreConformanceOptions<S>): void {
  describe(`Store conformance: ${options.name}`, () => {
    const clock = new VirtualClock(T0);
    let store: S;
    let readBack: StoreReadBack | undefined;

    /** Journals an intent and records its trade as opened, as the engine does. */
    async function openTrade(
      userId: string,
      tradeOverrides: Partial<Trade> = {},
      intentOverrides: Partial<OrderIntent> = {},
    ) {
      const intent = intentFor(userId, intentOverrides);
      await store.journalIntent(intent);
      const trade = tradeFor(intent, tradeOverrides);
      await store.recordOpenedTrade({
        trade,
        position: positionFor(trade),
        intentClientOrderId: intent.clientOrderId,
      });
      return { intent, trade };
    }

    /** Opens a trade whose exit could not be placed: no exitRef on the trade or its position. */
    async function openUnprotectedTrade(userId: string, unprotectedSince: number) {
      const intent = intentFor(userId);
      await store.journalIntent(intent);
      const { exitRef: _exitRef, ...trade } = tradeFor(intent);
      const position = openPositionOf(trade, { unprotectedSince });
      await store.recordOpenedTrade({ trade, position, intentClientOrderId: intent.clientOrderId });
      return { intent, trade, position };
    }

    beforeAll(async () => {
      store = await options.create({ clock });
      readBack = options.readBack?.(store);
    });

    afterAll(async () => {
      if (!store) return;
      if (options.teardown) await options.teardown(store);
      else await store.close?.();
    });

    it('declares specification v1', () => {
      expect(store.specificationVersion).toBe('v1');
    });

    describe('trading configs', () => {
      it('returns null for a user without a config, and the saved config after saveConfig', async () => {
        const userId = uniqueId('user');
        expect(await store.getConfig(userId)).toBeNull();
        const config = defaultTradingConfig(userId, {
          symbol: 'ETHUSDT',
          riskPercent: 1.25,
          takeProfitPercent: 0.3,
        });
        await store.saveConfig(config);
        expect(await store.getConfig(userId)).toEqual(config);
      });

      it('replaces a config saved again for the same user', async () => {
        const userId = uniqueId('user');
        await store.saveConfig(defaultTradingConfig(userId));
        const updated = defaultTradingConfig(userId, {
          isActive: true,
          maxDailyTrades: 3,
          minConfidence: 75,
        });
        await store.saveConfig(updated);
        expect(await store.getConfig(userId)).toEqual(updated);
      });

      it('updateConfig creates from initial, then changes only the given fields', async () => {
        const userId = uniqueId('user');
        const initial = defaultTradingConfig(userId, { symbol: 'ETHUSDT' });
        const created = await store.updateConfig(userId, { riskPercent: 2 }, initial);
        expect(created).toEqual({ ...initial, riskPercent: 2 });
        const changed = await store.updateConfig(userId, { isActive: true }, defaultTradingConfig(userId));
        expect(changed).toEqual({ ...initial, riskPercent: 2, isActive: true });
        expect(await store.getConfig(userId)).toEqual(changed);
      });

      it('updateConfig loses no concurrent change of another field', async () => {
        const userId = uniqueId('user');
        const initial = defaultTradingConfig(userId);
        await Promise.all([
          store.updateConfig(userId, { riskPercent: 3 }, initial),
          store.updateConfig(userId, { maxPositionPercent: 20 }, initial),
          store.updateConfig(userId, { maxDailyTrades: 7 }, initial),
          store.updateConfig(userId, { minConfidence: 70 }, initial),
          store.updateConfig(userId, { takeProfitPercent: 1 }, initial),
          store.updateConfig(userId, { isActive: true }, initial),
        ]);
        expect(await store.getConfig(userId)).toEqual({
          ...initial,
          riskPercent: 3,
          maxPositionPercent: 20,
          maxDailyTrades: 7,
          minConfidence: 70,
          takeProfitPercent: 1,
          isActive: true,
        });
      });

      it('updateConfig refuses an invalid change or a foreign initial and changes nothing', async () => {
        const userId = uniqueId('user');
        const initial = defaultTradingConfig(userId);
        await store.saveConfig(initial);
        await expect(store.updateConfig(userId, { riskPercent: -1 }, initial)).rejects.toMatchObject({
          code: 'CONFIG',
        });
        await expect(store.updateConfig(userId, { userId: 'other' } as never, initial)).rejects.toMatchObject(
          { code: 'CONFIG' },
        );
        await expect(
          store.updateConfig(userId, { isActive: true }, defaultTradingConfig('someone-else')),
        ).rejects.toMatchObject({ code: 'CONFIG' });
        expect(await store.getConfig(userId)).toEqual(initial);
      });

      it('lists only active configs, ordered by user id', async () => {
        const prefix = uniqueId('active');
        const ids = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`, `${prefix}-d`];
        await store.saveConfig(defaultTradingConfig(ids[0] as string, { isActive: true }));
        await store.saveConfig(defaultTradingConfig(ids[1] as string, { isActive: true }));
        await store.saveConfig(defaultTradingConfig(ids[2] as string, { isActive: false }));
        await store.saveConfig(defaultTradingConfig(ids[3] as string, { isActive: true }));
        const active = (await store.activeConfigs()).filter((c) => c.userId.startsWith(prefix));
        expect(active.map((c) => c.userId)).toEqual([`${prefix}-a`, `${prefix}-c`, `${prefix}-d`]);
        expect(active.every((c) => c.isActive)).toBe(true);

        const all = (await store.activeConfigs()).map((c) => c.userId);
        expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      });

      it('drops a user from the active list when the config is deactivated', async () => {
        const userId = uniqueId('user');
        await store.saveConfig(defaultTradingConfig(userId, { isActive: true }));
        expect((await store.activeConfigs()).some((c) => c.userId === userId)).toBe(true);
        await store.saveConfig(defaultTradingConfig(userId, { isActive: false }));
        expect((await store.activeConfigs()).some((c) => c.userId === userId)).toBe(false);
      });

      it('returns copies of configs', async () => {
        const userId = uniqueId('user');
        await store.saveConfig(defaultTradingConfig(userId, { isActive: true }));
        const read = await store.getConfig(userId);
        if (!read) throw new Error('config missing');
        read.maxDailyTrades = 999;
        read.symbol = 'XXXUSDT';
        const listed = (await store.activeConfigs()).find((c) => c.userId === userId);
        if (!listed) throw new Error('active config missing');
        listed.riskPercent = 50;
        expect(await store.getConfig(userId)).toEqual(defaultTradingConfig(userId, { isActive: true }));
      });
    });

    describe('order journal', () => {
      it('journals an intent and reads it back unchanged', async () => {
        const intent = intentFor(uniqueId('user'));
        await store.journalIntent(intent);
        expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);
        expect(await store.getIntent(uniqueId('cid'))).toBeNull();
        if (readBack) expect(await readBack.intentState(intent.clientOrderId)).toBe('pending');
      });

      it('throws ConflictError for a client order id that exists, keeping the first intent', async () => {
        const intent = intentFor(uniqueId('user'));
        await store.journalIntent(intent);
        await expectConflict(
          store.journalIntent({ ...intent, quantity: '9', state: 'entered', tradeId: uniqueId('trade') }),
        );
        expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);
      });

      it('journals an intent with the analysis that approved it: both, or on a conflict of either, neither', async () => {
        const userId = uniqueId('user');
        const approval = (id = uniqueId('analysis')): AnalysisRecord => ({
          id,
          userId,
          symbol: 'BTCUSDT',
          analyzer: 'stub',
          signal: { action: 'buy', confidence: 80, entryPrice: 50000, stopLoss: 49750, takeProfit: 50150 },
          price: 50000,
          verdict: { approved: true, violations: [] },
          createdAt: T0,
        });
        const intent = intentFor(userId);
        const analysis = { ...approval(), tradeId: intent.tradeId, clientOrderId: intent.clientOrderId };
        await store.journalIntent(intent, { analysis });
        expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);
        expect(await store.recentAnalyses(userId, 10)).toEqual([analysis]);

        // The intent exists: the new record is not written either.
        await expectConflict(store.journalIntent(intent, { analysis: approval() }));
        // The record exists: the new intent is not journalled.
        const second = intentFor(userId);
        await expectConflict(store.journalIntent(second, { analysis: approval(analysis.id) }));
        expect(await store.getIntent(second.clientOrderId)).toBeNull();
        if (readBack) expect(await readBack.intentState(second.clientOrderId)).toBeNull();
        expect(await store.recentAnalyses(userId, 10)).toEqual([analysis]);
      });

      it('updates an intent state, time and error, leaving the rest', async () => {
        const intent = intentFor(uniqueId('user'));
        await store.journalIntent(intent);
        await store.updateIntent(intent.clientOrderId, { state: 'entered', updatedAt: T0 + 1000 });
        expect(await store.getIntent(intent.clientOrderId)).toEqual({
          ...intent,
          state: 'entered',
          updatedAt: T0 + 1000,
        });
        await store.updateIntent(intent.clientOrderId, {
          state: 'failed',
          error: 'venue has no such order',
          updatedAt: T0 + 2000,
        });
        expect(await store.getIntent(intent.clientOrderId)).toEqual({
          ...intent,
          state: 'failed',
          error: 'venue has no such order',
          updatedAt: T0 + 2000,
        });
        if (readBack) expect(await readBack.intentState(intent.clientOrderId)).toBe('failed');
      });

      it('lists pending and entered intents oldest first, per user or for everyone', async () => {
        const userA = uniqueId('user');
        const userB = uniqueId('user');
        const newest = intentFor(userA, { createdAt: T0 + 3000, updatedAt: T0 + 3000 });
        const oldest = intentFor(userA, { createdAt: T0 + 1000, updatedAt: T0 + 1000, state: 'entered' });
        const open = intentFor(userA, { createdAt: T0 + 500, state: 'open' });
        const failed = intentFor(userA, { createdAt: T0 + 600, state: 'failed' });
        const done = intentFor(userA, { createdAt: T0 + 700, kind: 'close', state: 'done' });
        const other = intentFor(userB, { createdAt: T0 + 2000, updatedAt: T0 + 2000 });
        for (const intent of [newest, oldest, open, failed, done, other]) await store.journalIntent(intent);

        expect(await store.unfinishedIntents(userA)).toEqual([oldest, newest]);
        const everyone = (await store.unfinishedIntents()).filter(
          (i) => i.userId === userA || i.userId === userB,
        );
        expect(everyone.map((i) => i.clientOrderId)).toEqual([
          oldest.clientOrderId,
          other.clientOrderId,
          newest.clientOrderId,
        ]);

        await store.updateIntent(oldest.clientOrderId, { state: 'open', updatedAt: T0 + 4000 });
        expect(await store.unfinishedIntents(userA)).toEqual([newest]);
      });

      it('keeps the exit percents of an entry intent through updates', async () => {
        const intent = intentFor(uniqueId('user'), { takeProfitPercent: 0.35, stopLossPercent: 1.2 });
        await store.journalIntent(intent);
        expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);
        expect(await store.unfinishedIntents(intent.userId)).toEqual([intent]);
        await store.updateIntent(intent.clientOrderId, { state: 'entered', updatedAt: T0 + 1000 });
        expect(await store.getIntent(intent.clientOrderId)).toMatchObject({
          state: 'entered',
          takeProfitPercent: 0.35,
          stopLossPercent: 1.2,
        });
        // An intent without them reads back without them (not as null or 0).
        const plain = intentFor(intent.userId);
        await store.journalIntent(plain);
        const read = await store.getIntent(plain.clientOrderId);
        expect(read).toEqual(plain);
        expect(read?.takeProfitPercent).toBeUndefined();
        expect(read?.stopLossPercent).toBeUndefined();
      });

      it('returns copies of intents', async () => {
        const intent = intentFor(uniqueId('user'));
        await store.journalIntent(intent);
        const read = await store.getIntent(intent.clientOrderId);
        if (!read) throw new Error('intent missing');
        read.state = 'done';
        read.quantity = '123';
        const listed = await store.unfinishedIntents(intent.userId);
        (listed[0] as OrderIntent).state = 'failed';
        expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);
      });
    });

    describe('opening a trade', () => {
      it('writes the trade, its open position and the intent state together', async () => {
        const userId = uniqueId('user');
        const { intent, trade } = await openTrade(userId);
        expect(await store.getTrade(userId, trade.id)).toEqual(trade);
        expect(await store.openPositions(userId)).toEqual([positionFor(trade)]);
        const stored = await store.getIntent(intent.clientOrderId);
        expect(stored?.state).toBe('open');
        expect(await store.unfinishedIntents(userId)).toEqual([]);
        if (readBack) {
          expect((await readBack.trade(trade.id))?.status).toBe('filled');
          expect(await readBack.openPositionExists(trade.id)).toBe(true);
          expect(await readBack.intentState(intent.clientOrderId)).toBe('open');
        }
      });

      it('throws ConflictError for a trade id that exists and writes nothing of the second call', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const second = intentFor(userId, { tradeId: trade.id, createdAt: T0 + 1000 });
        await store.journalIntent(second);
        const duplicate = { ...tradeFor(second), quantity: '7', exitRef: uniqueId('oco') };
        await expectConflict(
          store.recordOpenedTrade({
            trade: duplicate,
            position: positionFor(duplicate),
            intentClientOrderId: second.clientOrderId,
          }),
        );
        expect(await store.getTrade(userId, trade.id)).toEqual(trade);
        expect(await store.openPositions(userId)).toEqual([positionFor(trade)]);
        expect((await store.getIntent(second.clientOrderId))?.state).toBe('pending');
        if (readBack) expect(await readBack.intentState(second.clientOrderId)).toBe('pending');
      });

      it('writes nothing when the intent does not exist', async () => {
        const userId = uniqueId('user');
        const intent = intentFor(userId);
        const trade = tradeFor(intent);
        await expectTrdError(
          store.recordOpenedTrade({
            trade,
            position: positionFor(trade),
            intentClientOrderId: intent.clientOrderId,
          }),
        );
        expect(await store.getTrade(userId, trade.id)).toBeNull();
        expect(await store.openPositions(userId)).toEqual([]);
        if (readBack) {
          expect(await readBack.trade(trade.id)).toBeNull();
          expect(await readBack.openPositionExists(trade.id)).toBe(false);
        }
      });

      it('lists open positions per user and for everyone, oldest first', async () => {
        const userA = uniqueId('user');
        const userB = uniqueId('user');
        const later = await openTrade(userA, {}, { createdAt: T0 + 2 * MINUTE });
        const earlier = await openTrade(userB, {}, { createdAt: T0 + MINUTE });
        expect(await store.openPositions(userA)).toEqual([positionFor(later.trade)]);
        const mine = (await store.openPositions()).filter((p) => p.userId === userA || p.userId === userB);
        expect(mine.map((p) => p.tradeId)).toEqual([earlier.trade.id, later.trade.id]);
      });
    });

    describe('closing a trade', () => {
      it('updates the trade, deletes the open position and adds to the portfolio', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId, { entryFee: '0.05' });
        const exit = exitFor(trade, { exitFee: '0.0501', profitLoss: '0.0499', profitLossPercent: '0.0998' });
        const closed = await store.recordClosedTrade(exit);
        const expected: Trade = {
          ...trade,
          status: 'closed',
          exitPrice: exit.exitPrice,
          exitFee: exit.exitFee,
          exitReason: exit.exitReason,
          exitQuantity: exit.exitQuantity,
          profitLoss: exit.profitLoss,
          profitLossPercent: exit.profitLossPercent,
          closedAt: exit.closedAt,
          durationSeconds: exit.durationSeconds,
        };
        expect(closed).toEqual(expected);
        expect(closed.exitNote).toBeUndefined();
        expect(await store.getTrade(userId, trade.id)).toEqual(expected);
        expect(await store.openPositions(userId)).toEqual([]);
        const portfolio = await store.getPortfolio(userId);
        expect(portfolio).toMatchObject({
          userId,
          totalTrades: 1,
          winningTrades: 1,
          losingTrades: 0,
          totalRealizedPnl: '0.0499',
        });
        expect(portfolio.winRate).toBeCloseTo(100, 6);
        expect(portfolio.totalFees).toBe('0.1001');
        if (readBack) {
          const row = await readBack.trade(trade.id);
          expect(row?.status).toBe('closed');
          expect(dec(row?.profitLoss ?? 'NaN').eq('0.0499')).toBe(true);
          expect(await readBack.openPositionExists(trade.id)).toBe(false);
          const stored = await readBack.portfolio(userId);
          expect(stored?.totalTrades).toBe(1);
          expect(dec(stored?.totalRealizedPnl ?? 'NaN').eq('0.0499')).toBe(true);
        }
      });

      it('sums wins and losses exactly in the portfolio', async () => {
        const userId = uniqueId('user');
        const results = ['0.1', '0.2', '-0.35', '0.00001'];
        for (const [index, profitLoss] of results.entries()) {
          const { trade } = await openTrade(userId, { entryFee: '0.01' }, { createdAt: T0 + index * MINUTE });
          const reason = profitLoss.startsWith('-') ? 'STOP_LOSS' : 'TAKE_PROFIT';
          await store.recordClosedTrade(exitFor(trade, { profitLoss, exitFee: '0.02', exitReason: reason }));
        }
        const portfolio = await store.getPortfolio(userId);
        expect(portfolio.totalTrades).toBe(4);
        expect(portfolio.winningTrades).toBe(3);
        expect(portfolio.losingTrades).toBe(1);
        expect(portfolio.winRate).toBeCloseTo(75, 6);
        expect(portfolio.totalRealizedPnl).toBe('-0.04999');
        expect(portfolio.totalFees).toBe('0.12');
        const closedSum = (await store.recentClosedTrades(userId, 100)).reduce(
          (sum, t) => sum.plus(t.profitLoss ?? '0'),
          dec(0),
        );
        expect(dec(portfolio.totalRealizedPnl).eq(closedSum)).toBe(true);
      });

      it('throws ConflictError on a second close and counts the trade once', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        await store.recordClosedTrade(exitFor(trade));
        const before = await store.getPortfolio(userId);
        await expectConflict(
          store.recordClosedTrade(
            exitFor(trade, {
              exitReason: 'MANUAL',
              profitLoss: '-1',
              dust: dustFor(trade, '0.0000003', '0.015'),
            }),
          ),
        );
        // Neither the totals nor the dust of the refused close.
        expect(await store.getPortfolio(userId)).toEqual(before);
        expect((await store.getTrade(userId, trade.id))?.exitReason).toBe('TAKE_PROFIT');
      });

      it('counts two concurrent closes of one trade once', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const outcomes = await Promise.allSettled([
          store.recordClosedTrade(exitFor(trade, { profitLoss: '1' })),
          store.recordClosedTrade(exitFor(trade, { profitLoss: '1' })),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(TrdError.isInstance(rejected.reason) && rejected.reason.code).toBe('CONFLICT');
        const portfolio = await store.getPortfolio(userId);
        expect(portfolio.totalTrades).toBe(1);
        expect(portfolio.totalRealizedPnl).toBe('1');
      });

      it('throws ConflictError when closing a trade that was never opened', async () => {
        await expectConflict(store.recordClosedTrade(exitFor(tradeFor(intentFor(uniqueId('user'))))));
      });

      it('returns an empty portfolio for a user without closed trades', async () => {
        const portfolio = await store.getPortfolio(uniqueId('user'));
        expect(portfolio).toMatchObject({ totalTrades: 0, winningTrades: 0, losingTrades: 0, winRate: 0 });
        expect(dec(portfolio.totalRealizedPnl).isZero()).toBe(true);
        expect(dec(portfolio.totalFees).isZero()).toBe(true);
        expect(portfolio.dust).toEqual([]);
      });

      it('keeps the exit note and the exit quantity, for every exit reason', async () => {
        const userId = uniqueId('user');
        for (const [index, exitReason] of exitReasonSchema.options.entries()) {
          const { trade } = await openTrade(userId, {}, { createdAt: T0 + index * MINUTE });
          const exit = exitFor(trade, {
            exitReason,
            exitNote: `${exitReason}: closed at market after the exit "OCO" was refused — 100% sold`,
            exitQuantity: '0.00099912',
          });
          const closed = await store.recordClosedTrade(exit);
          expect(closed).toMatchObject({
            exitReason,
            exitNote: exit.exitNote,
            exitQuantity: '0.00099912',
          });
          expect(await store.getTrade(userId, trade.id)).toEqual(closed);
        }
        const reasons = (await store.recentClosedTrades(userId, 100)).map((t) => t.exitReason).sort();
        expect(reasons).toEqual([...exitReasonSchema.options].sort());
      });

      it("sets the dust of the symbol to the exit's: written, overwritten, removed at 0", async () => {
        const userId = uniqueId('user');
        const closeWithDust = async (index: number, quantity: string, cost: string) => {
          const { trade } = await openTrade(userId, {}, { createdAt: T0 + index * MINUTE });
          await store.recordClosedTrade(exitFor(trade, { dust: dustFor(trade, quantity, cost) }));
          return trade;
        };
        const first = await closeWithDust(0, '0.00000042', '0.021');
        expect((await store.getPortfolio(userId)).dust).toEqual([dustFor(first, '0.00000042', '0.021')]);
        if (readBack?.dust) {
          const stored = await readBack.dust(userId, first.symbol);
          expect(dec(stored?.quantity ?? 'NaN').eq('0.00000042')).toBe(true);
        }
        // Absolute, not added: the exit says what is left after it.
        await closeWithDust(1, '0.00000007', '0.0035');
        expect((await store.getPortfolio(userId)).dust).toEqual([dustFor(first, '0.00000007', '0.0035')]);
        await closeWithDust(2, '0', '0');
        expect((await store.getPortfolio(userId)).dust).toEqual([]);
        if (readBack?.dust) expect(await readBack.dust(userId, first.symbol)).toBeNull();
        expect((await store.getPortfolio(userId)).totalTrades).toBe(3);
      });

      it('keeps dust per symbol, sorted by symbol, and per user', async () => {
        const userId = uniqueId('user');
        const eth = await openTrade(userId, {}, { symbol: 'ETHUSDT' });
        const btc = await openTrade(userId, {}, { symbol: 'BTCUSDT', createdAt: T0 + MINUTE });
        const ethAgain = await openTrade(userId, {}, { symbol: 'ETHUSDT', createdAt: T0 + 2 * MINUTE });
        await store.recordClosedTrade(exitFor(eth.trade, { dust: dustFor(eth.trade, '0.00009', '0.27') }));
        await store.recordClosedTrade(exitFor(btc.trade, { dust: dustFor(btc.trade, '0.000004', '0.2') }));
        const portfolio = await store.getPortfolio(userId);
        expect(portfolio.dust).toEqual([
          dustFor(btc.trade, '0.000004', '0.2'),
          dustFor(eth.trade, '0.00009', '0.27'),
        ]);
        expect((await store.getPortfolio(uniqueId('user'))).dust).toEqual([]);

        // A copy: changing it changes nothing stored.
        (portfolio.dust[0] as DustHolding).quantity = '5';
        portfolio.dust.pop();
        expect((await store.getPortfolio(userId)).dust).toHaveLength(2);

        // Removing one symbol's dust leaves the other's.
        await store.recordClosedTrade(exitFor(ethAgain.trade));
        expect((await store.getPortfolio(userId)).dust).toEqual([dustFor(btc.trade, '0.000004', '0.2')]);
      });

      it('refuses dust of another symbol and closes nothing', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const dust: DustHolding = { symbol: 'ETHUSDT', asset: 'ETH', quantity: '0.0001', cost: '0.3' };
        await expectTrdError(store.recordClosedTrade(exitFor(trade, { dust })));
        expect(await store.getTrade(userId, trade.id)).toEqual(trade);
        expect(await store.openPositions(userId)).toEqual([positionFor(trade)]);
        const portfolio = await store.getPortfolio(userId);
        expect(portfolio.totalTrades).toBe(0);
        expect(portfolio.dust).toEqual([]);
        if (readBack) expect(await readBack.openPositionExists(trade.id)).toBe(true);
      });
    });

    describe('position protection', () => {
      it('records an unprotected position: no exitRef on it or on its trade', async () => {
        const userId = uniqueId('user');
        const since = T0 + 1500;
        const { intent, trade, position } = await openUnprotectedTrade(userId, since);
        const [stored] = await store.openPositions(userId);
        expect(stored).toEqual(position);
        expect(stored).toMatchObject({ protection: 'unprotected', unprotectedSince: since });
        expect(stored?.exitRef).toBeUndefined();
        const storedTrade = await store.getTrade(userId, trade.id);
        expect(storedTrade).toEqual(trade);
        expect(storedTrade?.exitRef).toBeUndefined();
        expect((await store.getIntent(intent.clientOrderId))?.state).toBe('open');
        if (readBack?.positionProtection)
          expect(await readBack.positionProtection(trade.id)).toEqual({
            protection: 'unprotected',
            exitRef: null,
            tradeExitRef: null,
          });
      });

      it('records a protected position with its exitRef and no unprotectedSince', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const [stored] = await store.openPositions(userId);
        expect(stored).toMatchObject({ protection: 'protected', exitRef: trade.exitRef });
        expect(stored?.unprotectedSince).toBeUndefined();
      });

      it('protects, unprotects and protects again, and the trade follows', async () => {
        const userId = uniqueId('user');
        const { trade, position } = await openUnprotectedTrade(userId, T0 + 1000);

        const protect: PositionExitUpdate = {
          protection: 'protected',
          exitRef: uniqueId('oco'),
          takeProfit: '50200.12345678',
          stopLoss: '49700.5',
        };
        const protectedPosition = await store.updatePositionExit(trade.id, protect);
        expect(protectedPosition).toEqual(withPositionExit(position, protect));
        expect(protectedPosition.unprotectedSince).toBeUndefined();
        expect(await store.openPositions(userId)).toEqual([protectedPosition]);
        expect(await store.getTrade(userId, trade.id)).toEqual({
          ...trade,
          exitRef: protect.exitRef,
          takeProfit: protect.takeProfit,
          stopLoss: protect.stopLoss,
        });
        if (readBack?.positionProtection)
          expect(await readBack.positionProtection(trade.id)).toEqual({
            protection: 'protected',
            exitRef: protect.exitRef,
            tradeExitRef: protect.exitRef,
          });
        // The result is a copy.
        protectedPosition.exitRef = 'changed';
        expect((await store.openPositions(userId))[0]?.exitRef).toBe(protect.exitRef);

        const unprotect: PositionExitUpdate = { protection: 'unprotected', since: T0 + 7 * MINUTE };
        const unprotectedPosition = await store.updatePositionExit(trade.id, unprotect);
        expect(unprotectedPosition).toEqual(withPositionExit(withPositionExit(position, protect), unprotect));
        expect(unprotectedPosition).toMatchObject({
          protection: 'unprotected',
          unprotectedSince: T0 + 7 * MINUTE,
          takeProfit: protect.takeProfit,
          stopLoss: protect.stopLoss,
        });
        expect(unprotectedPosition.exitRef).toBeUndefined();
        expect(await store.openPositions(userId)).toEqual([unprotectedPosition]);
        const unprotectedTrade = await store.getTrade(userId, trade.id);
        expect(unprotectedTrade).toEqual({
          ...trade,
          takeProfit: protect.takeProfit,
          stopLoss: protect.stopLoss,
        });
        expect(unprotectedTrade?.exitRef).toBeUndefined();
        if (readBack?.positionProtection)
          expect(await readBack.positionProtection(trade.id)).toEqual({
            protection: 'unprotected',
            exitRef: null,
            tradeExitRef: null,
          });

        const protectAgain: PositionExitUpdate = {
          protection: 'protected',
          exitRef: uniqueId('oco'),
          takeProfit: '50180',
          stopLoss: '49720',
        };
        const again = await store.updatePositionExit(trade.id, protectAgain);
        expect(again).toEqual(withPositionExit(unprotectedPosition, protectAgain));
        expect(again.unprotectedSince).toBeUndefined();
        expect(await store.openPositions(userId)).toEqual([again]);
        expect(await store.getTrade(userId, trade.id)).toEqual({
          ...trade,
          exitRef: protectAgain.exitRef,
          takeProfit: '50180',
          stopLoss: '49720',
        });
      });

      it('throws NotFoundError for a closed or unknown trade and changes nothing', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const closed = await store.recordClosedTrade(exitFor(trade));
        const protect: PositionExitUpdate = {
          protection: 'protected',
          exitRef: uniqueId('oco'),
          takeProfit: '1',
          stopLoss: '1',
        };
        await expectNotFound(store.updatePositionExit(trade.id, protect));
        await expectNotFound(store.updatePositionExit(trade.id, { protection: 'unprotected', since: T0 }));
        expect(await store.getTrade(userId, trade.id)).toEqual(closed);
        expect(await store.openPositions(userId)).toEqual([]);
        await expectNotFound(store.updatePositionExit(uniqueId('trade'), protect));
      });

      it('refuses a position whose fields contradict its protection, writing nothing', async () => {
        const userId = uniqueId('user');
        const intent = intentFor(userId);
        await store.journalIntent(intent);
        const trade = tradeFor(intent);
        const { exitRef: _exitRef, ...withoutExitRef } = positionFor(trade);
        const contradictions: OpenPosition[] = [
          withoutExitRef,
          { ...openPositionOf(trade, { unprotectedSince: T0 }), exitRef: 'oco' },
          { ...openPositionOf(trade, { unprotectedSince: T0 }), unprotectedSince: undefined },
        ].map((p) => JSON.parse(JSON.stringify(p)) as OpenPosition);
        for (const position of contradictions) {
          await expectTrdError(
            store.recordOpenedTrade({ trade, position, intentClientOrderId: intent.clientOrderId }),
          );
        }
        expect(await store.getTrade(userId, trade.id)).toBeNull();
        expect(await store.openPositions(userId)).toEqual([]);
        expect((await store.getIntent(intent.clientOrderId))?.state).toBe('pending');
      });
    });

    describe('failed trades', () => {
      it('records a failed trade without a position, and does not count it', async () => {
        const userId = uniqueId('user');
        const intent = intentFor(userId);
        await store.journalIntent(intent);
        const failed = tradeFor(intent, { status: 'failed', quantity: '0', entryPrice: '0', entryFee: '0' });
        await store.recordFailedTrade(failed);
        expect(await store.getTrade(userId, failed.id)).toEqual(failed);
        expect(await store.openPositions(userId)).toEqual([]);
        expect(await store.countTradesSince(userId, T0 - MINUTE)).toBe(0);
        if (readBack) expect((await readBack.trade(failed.id))?.status).toBe('failed');
        await expectConflict(store.recordFailedTrade(failed));
      });
    });

    describe('trade history', () => {
      it('lists trades newest first with paging, a total and a status filter', async () => {
        const userId = uniqueId('user');
        const opened: Trade[] = [];
        for (let i = 0; i < 5; i++)
          opened.push((await openTrade(userId, {}, { createdAt: T0 + i * MINUTE })).trade);
        await store.recordClosedTrade(exitFor(opened[0] as Trade));
        await store.recordClosedTrade(exitFor(opened[2] as Trade));
        const ids = (trades: Trade[]) => trades.map((t) => t.id);

        const first = await store.listTrades(userId, { limit: 2, offset: 0 });
        expect(first.total).toBe(5);
        expect(ids(first.trades)).toEqual([opened[4]?.id, opened[3]?.id]);
        const second = await store.listTrades(userId, { limit: 2, offset: 2 });
        expect(ids(second.trades)).toEqual([opened[2]?.id, opened[1]?.id]);
        const last = await store.listTrades(userId, { limit: 2, offset: 4 });
        expect(ids(last.trades)).toEqual([opened[0]?.id]);
        const beyond = await store.listTrades(userId, { limit: 2, offset: 10 });
        expect(beyond).toEqual({ trades: [], total: 5 });

        const closed = await store.listTrades(userId, { limit: 10, offset: 0, status: 'closed' });
        expect(closed.total).toBe(2);
        expect(ids(closed.trades)).toEqual([opened[2]?.id, opened[0]?.id]);
        const filled = await store.listTrades(userId, { limit: 10, offset: 0, status: 'filled' });
        expect(filled.total).toBe(3);
        expect(await store.listTrades(uniqueId('user'), { limit: 10, offset: 0 })).toEqual({
          trades: [],
          total: 0,
        });
      });

      it('orders trades opened at the same time by id, compared as JavaScript strings', async () => {
        const userId = uniqueId('user');
        const prefix = uniqueId('same-time');
        // Code-unit order ('B' < 'Z' < 'a'), not a locale's ('alpha' < 'Beta' < 'Zed').
        for (const suffix of ['Zed', 'alpha', 'Beta']) {
          const intent = intentFor(userId, { tradeId: `${prefix}-${suffix}`, createdAt: T0 + MINUTE });
          await store.journalIntent(intent);
          const trade = tradeFor(intent);
          await store.recordOpenedTrade({
            trade,
            position: positionFor(trade),
            intentClientOrderId: intent.clientOrderId,
          });
        }
        const page = await store.listTrades(userId, { limit: 10, offset: 0 });
        expect(page.trades.map((t) => t.id)).toEqual([`${prefix}-alpha`, `${prefix}-Zed`, `${prefix}-Beta`]);
      });

      it('returns the last closed trades newest first, at most `limit`', async () => {
        const userId = uniqueId('user');
        const trades: Trade[] = [];
        for (let i = 0; i < 4; i++) {
          const { trade } = await openTrade(userId, {}, { createdAt: T0 + i * MINUTE });
          trades.push(trade);
          if (i < 3) await store.recordClosedTrade(exitFor(trade, { closedAt: T0 + (i + 10) * MINUTE }));
        }
        const recent = await store.recentClosedTrades(userId, 2);
        expect(recent.map((t) => t.id)).toEqual([trades[2]?.id, trades[1]?.id]);
        expect(recent.every((t) => t.status === 'closed')).toBe(true);
        expect(await store.recentClosedTrades(userId, 15)).toHaveLength(3);
        expect(await store.recentClosedTrades(uniqueId('user'), 15)).toEqual([]);
      });

      it('counts trades of every status but failed opened at or after `since`', async () => {
        const userId = uniqueId('user');
        const since = T0 + 10 * MINUTE;
        await openTrade(userId, {}, { createdAt: since - 1 });
        const atBoundary = await openTrade(userId, {}, { createdAt: since });
        await openTrade(userId, {}, { createdAt: since + MINUTE });
        await store.recordClosedTrade(exitFor(atBoundary.trade));
        const failedIntent = intentFor(userId, { createdAt: since + 2 * MINUTE });
        await store.journalIntent(failedIntent);
        await store.recordFailedTrade(tradeFor(failedIntent, { status: 'failed' }));
        const pendingIntent = intentFor(userId, { createdAt: since + 3 * MINUTE });
        await store.recordFailedTrade(tradeFor(pendingIntent, { status: 'failed' }));

        expect(await store.countTradesSince(userId, since)).toBe(2);
        expect(await store.countTradesSince(userId, since - 1)).toBe(3);
        expect(await store.countTradesSince(userId, since + 1)).toBe(1);
        expect(await store.countTradesSince(uniqueId('user'), 0)).toBe(0);
      });

      it('returns copies of trades and positions', async () => {
        const userId = uniqueId('user');
        const { trade } = await openTrade(userId);
        const read = await store.getTrade(userId, trade.id);
        if (!read) throw new Error('trade missing');
        read.quantity = '999';
        read.status = 'closed';
        const page = await store.listTrades(userId, { limit: 10, offset: 0 });
        (page.trades[0] as Trade).entryPrice = '1';
        const positions = await store.openPositions(userId);
        (positions[0] as OpenPosition).stopLoss = '1';
        const portfolio = await store.getPortfolio(userId);
        portfolio.totalTrades = 42;
        expect(await store.getTrade(userId, trade.id)).toEqual(trade);
        expect(await store.openPositions(userId)).toEqual([positionFor(trade)]);
        expect((await store.getPortfolio(userId)).totalTrades).toBe(0);
      });

      it("does not show one user's trade to another", async () => {
        const owner = uniqueId('user');
        const { trade } = await openTrade(owner);
        expect(await store.getTrade(uniqueId('user'), trade.id)).toBeNull();
      });
    });

    describe('batch reads for the cycle', () => {
      /**
       * Users with different histories: many closes (two at the same time, so the later opening
       * breaks the tie; two more opened and closed at the same times, so the id does), a few, only
       * open and failed trades, and none at all.
       */
      async function usersWithHistories() {
        const [busy, few, openOnly, none] = [
          uniqueId('user'),
          uniqueId('user'),
          uniqueId('user'),
          uniqueId('user'),
        ];
        const prefix = uniqueId('batch');
        for (let i = 0; i < 6; i++) {
          const { trade } = await openTrade(
            busy,
            {},
            {
              tradeId: `${prefix}-${['b', 'A', 'c', 'a', 'B', 'd'][i]}`,
              createdAt: T0 + (i === 5 ? 4 : i) * MINUTE,
            },
          );
          // Trades 2 and 3 close at the same moment; 4 and 5 open and close at the same moments.
          const closedAt = T0 + (i === 3 ? 12 : i === 5 ? 14 : 10 + i) * MINUTE;
          await store.recordClosedTrade(exitFor(trade, { closedAt }));
        }
        await openTrade(busy, {}, { createdAt: T0 + 20 * MINUTE });
        for (let i = 0; i < 2; i++) {
          const { trade } = await openTrade(few, {}, { createdAt: T0 + i * MINUTE });
          await store.recordClosedTrade(exitFor(trade, { closedAt: T0 + (30 - i) * MINUTE }));
        }
        await openTrade(openOnly, {}, { createdAt: T0 + MINUTE });
        const failedIntent = intentFor(openOnly, { createdAt: T0 + 2 * MINUTE });
        await store.journalIntent(failedIntent);
        await store.recordFailedTrade(tradeFor(failedIntent, { status: 'failed' }));
        return { busy, few, openOnly, none };
      }

      it('recentClosedTradesOf gives every user what recentClosedTrades gives, in the same order', async () => {
        const { busy, few, openOnly, none } = await usersWithHistories();
        const outsider = uniqueId('user');
        await openTrade(outsider);
        const userIds = [none, busy, openOnly, few];
        for (const limit of [1, 3, 15]) {
          const batch = await store.recentClosedTradesOf(userIds, limit);
          expect([...batch.keys()].sort()).toEqual([...userIds].sort());
          expect(batch.has(outsider)).toBe(false);
          for (const userId of userIds)
            expect(batch.get(userId), `${userId}, limit ${limit}`).toEqual(
              await store.recentClosedTrades(userId, limit),
            );
          expect(batch.get(busy)).toHaveLength(Math.min(limit, 6));
          expect(batch.get(few)).toHaveLength(Math.min(limit, 2));
          expect(batch.get(openOnly)).toEqual([]);
          expect(batch.get(none)).toEqual([]);
        }
        // Newest close first; of two closed at the same moment the later opened, then the greater
        // id (as JavaScript compares strings).
        const all = (await store.recentClosedTradesOf([busy], 15)).get(busy) ?? [];
        expect(all.map((t) => t.id.slice(t.id.lastIndexOf('-') + 1))).toEqual(['d', 'B', 'a', 'c', 'A', 'b']);
        expect(all.every((t) => t.status === 'closed')).toBe(true);
      });

      it('recentClosedTradesOf keeps every key for a limit of 0, and answers an empty list with an empty map', async () => {
        const { busy, none } = await usersWithHistories();
        const batch = await store.recentClosedTradesOf([busy, none], 0);
        expect(new Map(batch)).toEqual(
          new Map([
            [busy, []],
            [none, []],
          ]),
        );
        expect((await store.recentClosedTradesOf([], 15)).size).toBe(0);
      });

      it('countTradesSinceOf gives every user what countTradesSince gives, failed trades not counted', async () => {
        const { busy, few, openOnly, none } = await usersWithHistories();
        const userIds = [few, none, openOnly, busy];
        for (const since of [0, T0, T0 + MINUTE, T0 + 4 * MINUTE, T0 + 21 * MINUTE]) {
          const batch = await store.countTradesSinceOf(userIds, since);
          expect([...batch.keys()].sort()).toEqual([...userIds].sort());
          for (const userId of userIds)
            expect(batch.get(userId), `${userId} since ${since}`).toBe(
              await store.countTradesSince(userId, since),
            );
        }
        const fromStart = await store.countTradesSinceOf(userIds, T0);
        expect(fromStart.get(busy)).toBe(7);
        expect(fromStart.get(few)).toBe(2);
        expect(fromStart.get(openOnly)).toBe(1);
        expect(fromStart.get(none)).toBe(0);
        expect((await store.countTradesSinceOf([], 0)).size).toBe(0);
      });

      it('dustOf gives every user the dust getPortfolio gives, sorted by symbol', async () => {
        const [withDust, cleared, none] = [uniqueId('user'), uniqueId('user'), uniqueId('user')];
        const eth = await openTrade(withDust, {}, { symbol: 'ETHUSDT' });
        const btc = await openTrade(withDust, {}, { symbol: 'BTCUSDT', createdAt: T0 + MINUTE });
        await store.recordClosedTrade(exitFor(eth.trade, { dust: dustFor(eth.trade, '0.00009', '0.27') }));
        await store.recordClosedTrade(exitFor(btc.trade, { dust: dustFor(btc.trade, '0.000004', '0.2') }));
        const gone = await openTrade(cleared);
        await store.recordClosedTrade(exitFor(gone.trade, { dust: dustFor(gone.trade, '0.001', '50') }));
        const again = await openTrade(cleared, {}, { createdAt: T0 + MINUTE });
        await store.recordClosedTrade(exitFor(again.trade));

        const dust = await store.dustOf([none, withDust, cleared, withDust]);
        expect([...dust.keys()].sort()).toEqual([cleared, none, withDust].sort());
        for (const userId of [withDust, cleared, none])
          expect(dust.get(userId), userId).toEqual((await store.getPortfolio(userId)).dust);
        expect(dust.get(withDust)).toEqual([
          dustFor(btc.trade, '0.000004', '0.2'),
          dustFor(eth.trade, '0.00009', '0.27'),
        ]);
        expect(dust.get(cleared)).toEqual([]);
        expect((await store.dustOf([])).size).toBe(0);
        // A copy: changing it changes nothing stored.
        (dust.get(withDust)?.[0] as DustHolding).quantity = '5';
        expect((await store.dustOf([withDust])).get(withDust)?.[0]?.quantity).toBe('0.000004');
      });

      it('reads many users at once, each key once', async () => {
        const users = Array.from({ length: 120 }, () => uniqueId('user'));
        for (const [index, userId] of users.slice(0, 3).entries()) {
          const { trade } = await openTrade(userId, {}, { createdAt: T0 + index * MINUTE });
          await store.recordClosedTrade(exitFor(trade));
        }
        const withRepeat = [...users, users[0] as string];
        const recent = await store.recentClosedTradesOf(withRepeat, 15);
        const counts = await store.countTradesSinceOf(withRepeat, 0);
        expect(recent.size).toBe(users.length);
        expect(counts.size).toBe(users.length);
        expect(users.map((userId) => recent.get(userId)?.length)).toEqual(
          users.map((_, i) => (i < 3 ? 1 : 0)),
        );
        expect(users.map((userId) => counts.get(userId))).toEqual(users.map((_, i) => (i < 3 ? 1 : 0)));
      });
    });

    describe('concurrent calls', () => {
      // A store may serve concurrent calls together (one statement for many, as the PostgreSQL
      // store does); each call MUST still get exactly what it would get alone.
      it('gives each of many concurrent journals, fills, exit updates and reads its own answer', async () => {
        const users = Array.from({ length: 30 }, () => uniqueId('user'));
        const intents = users.map((userId) => intentFor(userId));
        const journalled = await Promise.allSettled([
          ...intents.map((intent) => store.journalIntent(intent)),
          // The same client order id twice at once: exactly one is journalled.
          store.journalIntent({ ...(intents[0] as OrderIntent), quantity: '7' }),
        ]);
        expect(journalled.filter((result) => result.status === 'rejected')).toHaveLength(1);
        const kept = await store.getIntent((intents[0] as OrderIntent).clientOrderId);
        expect([(intents[0] as OrderIntent).quantity, '7']).toContain(kept?.quantity);
        for (const intent of intents.slice(1))
          expect(await store.getIntent(intent.clientOrderId)).toEqual(intent);

        const trades = intents.map((intent) => tradeFor(intent));
        const fills = trades.map((trade, i) =>
          store.recordOpenedTrade({
            trade,
            position: positionFor(trade),
            intentClientOrderId: (intents[i] as OrderIntent).clientOrderId,
          }),
        );
        const orphan = tradeFor(intentFor(users[1] as string));
        const duplicate = { ...(trades[2] as Trade), clientOrderId: uniqueId('cid') };
        const duplicateIntent = intentFor(users[2] as string, { tradeId: duplicate.id });
        await store.journalIntent(duplicateIntent);
        const [filled, noIntent, sameTrade] = await Promise.all([
          Promise.allSettled(fills),
          store
            .recordOpenedTrade({
              trade: orphan,
              position: positionFor(orphan),
              intentClientOrderId: uniqueId('cid'),
            })
            .then(
              () => 'written',
              (error: unknown) => error,
            ),
          store
            .recordOpenedTrade({
              trade: duplicate,
              position: positionFor(duplicate),
              intentClientOrderId: duplicateIntent.clientOrderId,
            })
            .then(
              () => 'written',
              (error: unknown) => error,
            ),
        ]);
        // The trade id raced its first recording: one of the two won, the other is a conflict.
        const firstOfSame = filled[2] as PromiseSettledResult<void>;
        expect([firstOfSame.status === 'fulfilled', sameTrade === 'written']).toContain(true);
        expect(firstOfSame.status === 'fulfilled' && sameTrade === 'written').toBe(false);
        const loser = firstOfSame.status === 'rejected' ? firstOfSame.reason : sameTrade;
        await expectConflict(Promise.reject(loser));
        filled.forEach((result, i) => {
          if (i !== 2) expect(result.status, `fill ${i}`).toBe('fulfilled');
        });
        await expectNotFound(Promise.reject(noIntent));
        expect(await store.getTrade(orphan.userId, orphan.id)).toBeNull();
        for (const [i, intent] of intents.entries()) {
          if (i === 2) continue;
          expect((await store.getIntent(intent.clientOrderId))?.state).toBe('open');
          expect(await store.getTrade(intent.userId, intent.tradeId)).toEqual(trades[i]);
        }

        const open = trades.filter((_, i) => i !== 2);
        const protect = (exitRef: string): PositionExitUpdate => ({
          protection: 'protected',
          exitRef,
          takeProfit: '50200',
          stopLoss: '49700',
        });
        const updates = open.map((trade) => ({ trade, update: protect(uniqueId('oco')) }));
        // Three updates of one position at once: all answer, and the position keeps one of them whole.
        const twice = [protect('oco-a'), { protection: 'unprotected', since: T0 + MINUTE } as const];
        const [updated, racing, unknown] = await Promise.all([
          Promise.all(updates.map(({ trade, update }) => store.updatePositionExit(trade.id, update))),
          Promise.all(twice.map((update) => store.updatePositionExit((open[0] as Trade).id, update))),
          store.updatePositionExit(uniqueId('trade'), protect('oco-x')).then(
            () => 'updated',
            (error: unknown) => error,
          ),
        ]);
        await expectNotFound(Promise.reject(unknown));
        updates.slice(1).forEach(({ trade, update }, i) => {
          expect(updated[i + 1]).toEqual(withPositionExit(positionFor(trade), update));
        });
        const [first] = open as [Trade];
        const stored = (await store.openPositions(first.userId)).find((p) => p.tradeId === first.id);
        const answers = [...racing, updated[0]].map((position) => JSON.stringify(position));
        expect(answers).toContain(JSON.stringify(stored));
        const storedTrade = await store.getTrade(first.userId, first.id);
        expect(storedTrade?.exitRef).toBe(stored?.exitRef);

        // Concurrent portfolio reads, each its own user's.
        const closed = open.slice(1, 6);
        await Promise.all(
          closed.map((trade, i) =>
            store.recordClosedTrade(exitFor(trade, { dust: dustFor(trade, `0.0000${i + 1}`, `${i + 1}`) })),
          ),
        );
        const portfolios = await Promise.all(open.map((trade) => store.getPortfolio(trade.userId)));
        portfolios.forEach((portfolio, i) => {
          const index = i - 1;
          expect(portfolio.userId).toBe((open[i] as Trade).userId);
          expect(portfolio.totalTrades).toBe(index >= 0 && index < 5 ? 1 : 0);
          expect(portfolio.dust).toEqual(
            index >= 0 && index < 5 ? [dustFor(open[i] as Trade, `0.0000${index + 1}`, `${index + 1}`)] : [],
          );
        });
      });
    });

    describe('decimal strings', () => {
      it('keeps quantities, prices, fees and P&L exact', async () => {
        const userId = uniqueId('user');
        const { intent, trade } = await openTrade(
          userId,
          {
            quantity: '0.00001',
            entryPrice: '12345.67890123',
            entryFee: '0.000000012345678901',
            entryQuoteAmount: '0.123456789012300001',
            entryNetQuantity: '0.000009999',
            takeProfit: '12382.70593793',
            stopLoss: '12283.93950672',
          },
          { quantity: '0.00001' },
        );
        expect(await store.getTrade(userId, trade.id)).toEqual(trade);
        expect((await store.getIntent(intent.clientOrderId))?.quantity).toBe('0.00001');
        expect((await store.openPositions(userId))[0]).toEqual(positionFor(trade));
        if (readBack)
          expect(dec((await readBack.trade(trade.id))?.quantity ?? 'NaN').eq('0.00001')).toBe(true);

        const closed = await store.recordClosedTrade(
          exitFor(trade, {
            exitPrice: '12382.70593793',
            exitFee: '0.00000012',
            profitLoss: '-123456789.123456789',
            profitLossPercent: '-0.3',
          }),
        );
        expect(closed.profitLoss).toBe('-123456789.123456789');
        expect(closed.exitPrice).toBe('12382.70593793');
        expect((await store.getPortfolio(userId)).totalRealizedPnl).toBe('-123456789.123456789');
      });

      it('keeps 18 decimal places and refuses a 19th (MONEY_PLACES) rather than round it, writing nothing', async () => {
        const userId = uniqueId('user');
        const eighteen = '0.123456789012345678';
        const nineteen = '0.1234567890123456789';
        const { trade } = await openTrade(userId, { entryFee: eighteen }, {});
        expect((await store.getTrade(userId, trade.id))?.entryFee).toBe(eighteen);

        const other = intentFor(uniqueId('user'));
        await expect(store.journalIntent({ ...other, quantity: nineteen })).rejects.toMatchObject({
          code: 'STORE',
          message: expect.stringMatching(/more than 18 decimals/),
        });
        expect(await store.getIntent(other.clientOrderId)).toBeNull();

        const next = intentFor(uniqueId('user'));
        await store.journalIntent(next);
        const tooPrecise = tradeFor(next, { entryFee: nineteen });
        await expect(
          store.recordOpenedTrade({
            trade: tooPrecise,
            position: positionFor(tooPrecise),
            intentClientOrderId: next.clientOrderId,
          }),
        ).rejects.toMatchObject({ code: 'STORE' });
        expect(await store.getTrade(next.userId, tooPrecise.id)).toBeNull();

        await expect(store.recordClosedTrade(exitFor(trade, { profitLoss: nineteen }))).rejects.toMatchObject(
          {
            code: 'STORE',
          },
        );
        expect((await store.openPositions(userId)).map((position) => position.tradeId)).toEqual([trade.id]);
      });
    });

    describe('analysis records', () => {
      it('keeps analyses with their usage, newest first, at most `limit`', async () => {
        const userId = uniqueId('user');
        const records: AnalysisRecord[] = [0, 1, 2].map((i) => ({
          id: uniqueId('analysis'),
          userId,
          symbol: 'BTCUSDT',
          analyzer: 'gemini',
          signal: {
            action: i === 1 ? 'hold' : 'buy',
            confidence: 61.5 + i,
            ...(i === 1
              ? { reasoning: 'model answer invalid: stop above entry' }
              : { entryPrice: 50000.12, stopLoss: 49750.5, takeProfit: 50150.1 }),
            usage: {
              model: 'gemini-2.5-flash',
              latencyMs: 812.5,
              inputTokens: 1500 + i,
              outputTokens: 90,
              totalTokens: 1590 + i,
              rawAnswer: `{"signal":"buy","i":${i}}`,
              costUsd: 0.000675 + i / 1_000_000,
            },
          },
          price: 50000.12,
          createdAt: T0 + i * MINUTE,
        }));
        for (const record of records) await store.recordAnalysis(record);
        expect(await store.recentAnalyses(userId, 2)).toEqual([records[2], records[1]]);
        const all = await store.recentAnalyses(userId, 10);
        expect(all).toEqual([records[2], records[1], records[0]]);
        (all[0] as AnalysisRecord).signal.confidence = 0;
        expect((await store.recentAnalyses(userId, 1))[0]).toEqual(records[2]);
      });

      it('keeps an analysis without usage', async () => {
        const userId = uniqueId('user');
        const record: AnalysisRecord = {
          id: uniqueId('analysis'),
          userId,
          symbol: 'ETHUSDT',
          analyzer: 'technical',
          signal: { action: 'hold', confidence: 0 },
          price: 3000.5,
          createdAt: T0,
        };
        await store.recordAnalysis(record);
        expect(await store.recentAnalyses(userId, 5)).toEqual([record]);
      });

      it('keeps the whole decision: mode, input hash, model signal, policy, verdict and the trade', async () => {
        const userId = uniqueId('user');
        const record: AnalysisRecord = {
          id: uniqueId('analysis'),
          userId,
          symbol: 'BTCUSDT',
          analyzer: 'gemini:gemini-2.5-flash',
          signal: { action: 'buy', confidence: 71, entryPrice: 63000, stopLoss: 62685, takeProfit: 63189 },
          price: 63000,
          mode: 'shared',
          inputHash: '0abcdefghijkl',
          modelSignal: {
            action: 'buy',
            confidence: 86,
            entryPrice: 63000,
            stopLoss: 62685,
            takeProfit: 63189,
          },
          policy: {
            requiredConfidence: 86,
            confidenceAdjustment: -15,
            caution: false,
            reasons: ['losing streak of 2 (trend losing): confidence -15'],
          },
          verdict: { approved: false, violations: ['LOW_CONFIDENCE'] },
          tradeId: 'trd-t-abc',
          clientOrderId: 'trd-e-abc',
          createdAt: T0,
        };
        await store.recordAnalyses([record]);
        expect(await store.recentAnalyses(userId, 5)).toEqual([record]);
      });
    });

    describe('analysis pages (listAnalyses)', () => {
      const recordOf = (
        userId: string,
        id: string,
        createdAt: number,
        symbol = 'BTCUSDT',
      ): AnalysisRecord => ({
        id,
        userId,
        symbol,
        analyzer: 'stub',
        signal: { action: 'hold', confidence: 0, reasoning: `at ${createdAt}` },
        price: 50000.5,
        createdAt,
      });
      /** Newest first: time desc, then id desc as JavaScript compares strings (code unit by code unit). */
      const newestFirst = (a: AnalysisRecord, b: AnalysisRecord) =>
        b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

      it("pages through one user's records newest first, each exactly once, ties broken by id", async () => {
        const [userId, other] = [uniqueId('user'), uniqueId('user')];
        const base = uniqueId('analysis');
        // Three records share a time; their ids differ where a locale collation and byte order disagree.
        const records = [
          recordOf(userId, `${base}-a`, T0),
          recordOf(userId, `${base}-B`, T0 + MINUTE),
          recordOf(userId, `${base}-_`, T0 + MINUTE),
          recordOf(userId, `${base}-b`, T0 + MINUTE),
          recordOf(userId, `${base}-c`, T0 + 2 * MINUTE, 'ETHUSDT'),
          recordOf(userId, `${base}-d`, T0 + 3 * MINUTE),
        ];
        await store.recordAnalyses([...records].reverse());
        await store.recordAnalysis(recordOf(other, `${base}-other`, T0 + 4 * MINUTE));
        const expected = [...records].sort(newestFirst);
        const seen: AnalysisRecord[] = [];
        let before: { createdAt: number; id: string } | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.listAnalyses(userId, { limit: 2, ...(before ? { before } : {}) });
          expect(page.length).toBeLessThanOrEqual(2);
          if (page.length === 0) break;
          seen.push(...page);
          const last = page.at(-1) as AnalysisRecord;
          before = { createdAt: last.createdAt, id: last.id };
        }
        expect(seen).toEqual(expected);
      });

      it('filters by symbol, takes a time as the cursor, and returns copies', async () => {
        const userId = uniqueId('user');
        const records = [
          recordOf(userId, uniqueId('analysis'), T0, 'ETHUSDT'),
          recordOf(userId, uniqueId('analysis'), T0 + MINUTE, 'BTCUSDT'),
          recordOf(userId, uniqueId('analysis'), T0 + 2 * MINUTE, 'ETHUSDT'),
        ];
        await store.recordAnalyses(records);
        expect(await store.listAnalyses(userId, { limit: 10, symbol: 'ETHUSDT' })).toEqual([
          records[2],
          records[0],
        ]);
        expect(await store.listAnalyses(userId, { limit: 10, symbol: 'SOLUSDT' })).toEqual([]);
        // A time alone: strictly before it, so the record at that very time is left out.
        expect(await store.listAnalyses(userId, { limit: 10, before: { createdAt: T0 + MINUTE } })).toEqual([
          records[0],
        ]);
        expect(
          await store.listAnalyses(userId, {
            limit: 10,
            before: { createdAt: T0 + 3 * MINUTE },
            symbol: 'BTCUSDT',
          }),
        ).toEqual([records[1]]);
        const [first] = await store.listAnalyses(userId, { limit: 1 });
        (first as AnalysisRecord).signal.reasoning = 'changed';
        expect(await store.listAnalyses(userId, { limit: 1 })).toEqual([records[2]]);
        expect(await store.listAnalyses(uniqueId('user'), { limit: 10 })).toEqual([]);
      });
    });

    describe('analysis batches', () => {
      const analysisOf = (userId: string, createdAt: number): AnalysisRecord => ({
        id: uniqueId('analysis'),
        userId,
        symbol: 'BTCUSDT',
        analyzer: 'stub',
        signal: { action: 'hold', confidence: 0 },
        price: 50000.5,
        createdAt,
      });

      it('writes every record of a batch, as recordAnalysis would', async () => {
        const [userA, userB] = [uniqueId('user'), uniqueId('user')];
        const batch = [analysisOf(userA, T0), analysisOf(userB, T0 + 1), analysisOf(userA, T0 + 2)];
        batch[1] = {
          ...(batch[1] as AnalysisRecord),
          signal: {
            action: 'buy',
            confidence: 81.5,
            entryPrice: 50000.12,
            stopLoss: 49750.5,
            takeProfit: 50150.1,
            usage: { model: 'gemini-2.5-flash', latencyMs: 812.5, totalTokens: 1590, costUsd: 0.000675 },
          },
        };
        await store.recordAnalyses(batch);
        expect(await store.recentAnalyses(userA, 10)).toEqual([batch[2], batch[0]]);
        expect(await store.recentAnalyses(userB, 10)).toEqual([batch[1]]);
      });

      it('refuses a batch with an id twice, writing nothing', async () => {
        const userId = uniqueId('user');
        const first = analysisOf(userId, T0);
        const batch = [first, analysisOf(userId, T0 + 1), { ...first, createdAt: T0 + 2 }];
        await expectConflict(store.recordAnalyses(batch));
        expect(await store.recentAnalyses(userId, 10)).toEqual([]);
      });

      it('refuses a batch with an id already recorded, writing nothing of it', async () => {
        const userId = uniqueId('user');
        const existing = analysisOf(userId, T0);
        await store.recordAnalysis(existing);
        const batch = [
          analysisOf(userId, T0 + 1),
          { ...existing, price: 1 },
          analysisOf(uniqueId('user'), T0 + 2),
        ];
        await expectConflict(store.recordAnalyses(batch));
        expect(await store.recentAnalyses(userId, 10)).toEqual([existing]);
        expect(await store.recentAnalyses((batch[2] as AnalysisRecord).userId, 10)).toEqual([]);
        await expectConflict(store.recordAnalysis({ ...existing }));
      });

      it('does nothing for an empty batch', async () => {
        await store.recordAnalyses([]);
      });

      it('writes a cycle-sized batch in one call', async () => {
        const users = Array.from({ length: 1_000 }, () => uniqueId('user'));
        await store.recordAnalyses(users.map((userId) => analysisOf(userId, T0)));
        expect(await store.recentAnalyses(users[0] as string, 5)).toHaveLength(1);
        expect(await store.recentAnalyses(users[999] as string, 5)).toHaveLength(1);
      });
    });

    describe('user claims', () => {
      it('gives a user to one owner until the claim expires or is released', async (context) => {
        if (!store.claimUsers || !store.releaseUsers) context.skip();
        const claim = store.claimUsers?.bind(store) as NonNullable<Store['claimUsers']>;
        const release = store.releaseUsers?.bind(store) as NonNullable<Store['releaseUsers']>;
        const [u1, u2, u3] = [uniqueId('user'), uniqueId('user'), uniqueId('user')];
        const ownerA = uniqueId('owner');
        const ownerB = uniqueId('owner');

        expect((await claim(ownerA, [u1, u2], 30_000)).sort()).toEqual([u1, u2].sort());
        expect(await claim(ownerB, [u2, u3], 30_000)).toEqual([u3]);
        // Renewal by the holder keeps the users.
        await clock.advance(20_000);
        expect((await claim(ownerA, [u1, u2], 30_000)).sort()).toEqual([u1, u2].sort());
        // ownerB's claim on u3 (taken at +0 for 30 s) has expired at +31 s; ownerA's renewed ones have not.
        await clock.advance(11_000);
        expect(await claim(ownerA, [u3], 30_000)).toEqual([u3]);
        expect(await claim(ownerB, [u1, u2, u3], 30_000)).toEqual([]);
        await release(ownerA);
        expect((await claim(ownerB, [u1, u2, u3], 30_000)).sort()).toEqual([u1, u2, u3].sort());
        await release(ownerB);
      });

      it('never gives one user to two owners claiming at the same time', async (context) => {
        if (!store.claimUsers || !store.releaseUsers) context.skip();
        const claim = store.claimUsers?.bind(store) as NonNullable<Store['claimUsers']>;
        const users = Array.from({ length: 40 }, () => uniqueId('user'));
        const owners = [uniqueId('owner'), uniqueId('owner'), uniqueId('owner')];
        const held = await Promise.all(
          owners.map((owner, i) => claim(owner, i === 1 ? [...users].reverse() : users, 60_000)),
        );
        const all = held.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(new Set(users));
        for (const owner of owners) await store.releaseUsers?.(owner);
      });

      it('claims at most maxUsers, the users the owner holds first (renewed), then free ones in order', async (context) => {
        if (!store.claimUsers || !store.releaseUsers || !store.liveOwners) context.skip();
        const claim = store.claimUsers?.bind(store) as NonNullable<Store['claimUsers']>;
        const users = Array.from({ length: 6 }, () => uniqueId('user'));
        const [u0, u1, u2, u3, u4, u5] = users as [string, string, string, string, string, string];
        const ownerA = uniqueId('owner');
        const ownerB = uniqueId('owner');

        expect(await claim(ownerA, [u4, u5], 30_000)).toEqual([u4, u5]);
        expect(await claim(ownerB, [u0], 30_000)).toEqual([u0]);
        // Held users first (u4, u5), then free ones in the order given (u1, u2); u0 is ownerB's.
        await clock.advance(20_000);
        expect(await claim(ownerA, users, 30_000, { maxUsers: 4 })).toEqual([u1, u2, u4, u5]);
        expect(await claim(ownerA, users, 30_000, { maxUsers: 0 })).toEqual([]);
        // ownerB's claim (+0, 30 s) has expired at +31 s; ownerA's u4 and u5 were renewed at +20 s.
        await clock.advance(11_000);
        expect(await claim(ownerB, [u5, u4, u3, u0], 30_000, { maxUsers: 2 })).toEqual([u3, u0]);
        // Over its share, ownerA keeps the first of its own users in the order given, renewed
        // (+31 s → +61 s); u5 (beyond maxUsers) stays ownerA's, neither renewed nor released.
        expect(await claim(ownerA, [u2, u1, u4, u5], 30_000, { maxUsers: 3 })).toEqual([u2, u1, u4]);
        expect(await claim(ownerB, [u5], 30_000)).toEqual([]);
        // At +55 s u5's lease (from +20 s) has expired, the renewed ones have not.
        await clock.advance(24_000);
        expect(await claim(ownerB, [u5, u4, u2, u1], 30_000)).toEqual([u5]);
        await store.releaseUsers?.(ownerA);
        await store.releaseUsers?.(ownerB);
      });

      it('releases only the given users of the owner', async (context) => {
        if (!store.claimUsers || !store.releaseUsers) context.skip();
        const claim = store.claimUsers?.bind(store) as NonNullable<Store['claimUsers']>;
        const release = store.releaseUsers?.bind(store) as NonNullable<Store['releaseUsers']>;
        const [u1, u2, u3] = [uniqueId('user'), uniqueId('user'), uniqueId('user')];
        const ownerA = uniqueId('owner');
        const ownerB = uniqueId('owner');
        expect(await claim(ownerA, [u1, u2], 30_000)).toEqual([u1, u2]);
        expect(await claim(ownerB, [u3], 30_000)).toEqual([u3]);
        // ownerA cannot release ownerB's user; its own u1 goes, u2 stays.
        await release(ownerA, [u1, u3]);
        expect(await claim(ownerB, [u1, u2, u3], 30_000)).toEqual([u1, u3]);
        await release(ownerA, []);
        expect(await claim(ownerA, [u2], 30_000)).toEqual([u2]);
        await release(ownerA);
        await release(ownerB);
      });

      it('counts the live owners by heartbeat, until released or expired', async (context) => {
        if (!store.liveOwners || !store.releaseUsers) context.skip();
        const live = store.liveOwners?.bind(store) as NonNullable<Store['liveOwners']>;
        const [ownerA, ownerB, ownerC] = [uniqueId('owner'), uniqueId('owner'), uniqueId('owner')];
        const alone = await live(ownerA, 10 * MINUTE);
        expect(alone).toBeGreaterThanOrEqual(1);
        // A repeated heartbeat is the same owner.
        expect(await live(ownerA, 10 * MINUTE)).toBe(alone);
        expect(await live(ownerB, 10 * MINUTE)).toBe(alone + 1);
        expect(await live(ownerC, 20_000)).toBe(alone + 2);
        expect(await live(ownerA, 10 * MINUTE)).toBe(alone + 2);
        // Released: gone at once.
        await store.releaseUsers?.(ownerB);
        expect(await live(ownerA, 10 * MINUTE)).toBe(alone + 1);
        // Expired: ownerC's heartbeat lasted 20 s.
        await clock.advance(21_000);
        expect(await live(ownerA, 10 * MINUTE)).toBe(alone);
        await store.releaseUsers?.(ownerA);
        await store.releaseUsers?.(ownerC);
      });

      it('gives owners claiming their shares at the same time disjoint users, filling every share', async (context) => {
        if (!store.claimUsers || !store.releaseUsers || !store.liveOwners) context.skip();
        const claim = store.claimUsers?.bind(store) as NonNullable<Store['claimUsers']>;
        const users = Array.from({ length: 30 }, () => uniqueId('user'));
        const owners = [uniqueId('owner'), uniqueId('owner'), uniqueId('owner')];
        // Two owners ask in the same order, so they compete for the same first users.
        const held = await Promise.all(
          owners.map((owner, i) =>
            claim(owner, i === 2 ? [...users].reverse() : users, 60_000, { maxUsers: 10 }),
          ),
        );
        for (const list of held) expect(list).toHaveLength(10);
        const all = held.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(new Set(users));
        for (const owner of owners) await store.releaseUsers?.(owner);
      });
    });
  });
}
