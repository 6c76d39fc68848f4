import {
  type AnalysisInput,
  type Analyzer,
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  ModelUnavailableError,
  openPositionOf,
  type Signal,
  type Store,
  type Trade,
  VirtualClock,
} from '@trd/core';
import { createMockExchange } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { at, createFixtureExchange } from './support/engine-harness';

/** Counts model calls; answers hold unless told otherwise. */
function countingAnalyzer(
  answer: (input: AnalysisInput) => Signal = () => ({ action: 'hold', confidence: 0 }),
) {
  const inputs: AnalysisInput[] = [];
  const analyzer: Analyzer = {
    specificationVersion: 'v1',
    name: 'counting',
    async analyze(input) {
      inputs.push(input);
      return answer(input);
    },
  };
  return { analyzer, inputs };
}

async function activate(store: Store, count: number, symbols: string[], overrides = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.saveConfig(
      defaultTradingConfig(`user-${i}`, {
        isActive: true,
        symbol: symbols[i % symbols.length],
        ...overrides,
      }),
    );
  }
}

function engine(
  analyzer: Analyzer,
  settings: Parameters<typeof createTradingBot>[0]['settings'] = {},
  start = at(10),
) {
  const clock = new VirtualClock(start);
  // Real candles of one day; a random walk when a test crosses midnight.
  const exchange =
    start === at(10)
      ? createFixtureExchange(clock)
      : createMockExchange({
          clock,
          feeds: { BTCUSDT: { kind: 'random-walk', seed: 7, startPrice: 60_000, volatility: 0.0005 } },
        });
  const store = createMemoryStore({ clock });
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
    analyzer,
    store,
    clock,
    settings: { tradingHours: null, ...settings },
  });
  return { clock, exchange, store, bot };
}

describe('shared analysis: one model call per symbol and candle', () => {
  it('analyses 10 000 users on 2 symbols with exactly 2 model calls, every user analysed', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot } = engine(analyzer);
    await activate(store, 10_000, ['BTCUSDT', 'ETHUSDT']);
    const report = await bot.runCycle();
    expect(report.analysed).toBe(10_000);
    expect(inputs.map((input) => input.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    // The model sees the market alone: no user, no history.
    expect(
      inputs.every(
        (input) => input.mode === 'shared' && input.userId === 'shared' && input.history.tradeCount === 0,
      ),
    ).toBe(true);
    expect((await store.recentAnalyses('user-7', 1))[0]).toMatchObject({
      mode: 'shared',
      inputHash: expect.any(String),
    });
  });

  it('calls the model again only when a new candle has closed', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot, clock } = engine(analyzer, { userCooldownMs: 0 });
    await activate(store, 4, ['BTCUSDT']);
    await bot.runCycle();
    await clock.advance(20_000); // same closed candle
    await bot.runCycle();
    expect(inputs).toHaveLength(1);
    await clock.advance(60_000);
    await bot.runCycle();
    expect(inputs).toHaveLength(2);
  });

  it('analyses identical personal inputs once, and distinct ones each', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot } = engine(analyzer, { analysisMode: 'personal' });
    // 6 users with the default config, 4 with a wider stop: two distinct inputs.
    await activate(store, 6, ['BTCUSDT']);
    for (let i = 6; i < 10; i++)
      await store.saveConfig(defaultTradingConfig(`user-${i}`, { isActive: true, stopLossPercent: 1 }));
    const report = await bot.runCycle();
    expect(report.analysed).toBe(10);
    expect(inputs).toHaveLength(2);
  });
});

describe('personal mode: one model call per distinct input', () => {
  it('10 000 users on 2 symbols with identical (empty) histories and 2 configs: 4 calls', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot } = engine(analyzer, { analysisMode: 'personal' });
    for (let i = 0; i < 10_000; i++)
      await store.saveConfig(
        defaultTradingConfig(`user-${i}`, {
          isActive: true,
          symbol: i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
          minConfidence: i % 4 < 2 ? 60 : 70,
        }),
      );
    const report = await bot.runCycle();
    expect(report.analysed).toBe(10_000);
    expect(inputs).toHaveLength(4);
    expect(new Set(inputs.map((input) => `${input.symbol}|${input.config.minConfidence}`)).size).toBe(4);
  });

  it('users with the same closed-trade record share a call; a different record is its own', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot } = engine(analyzer, { analysisMode: 'personal' });
    await activate(store, 9, ['BTCUSDT']);
    // user-0..2: the same three outcomes (different trades, same statistics); user-3: another record.
    for (const userId of ['user-0', 'user-1', 'user-2'])
      await seedHistory(store, userId, ['win', 'loss', 'stop']);
    await seedHistory(store, 'user-3', ['stop', 'stop']);
    await bot.runCycle();
    // Three histories: the shared one, user-3's, and none (user-4..8).
    expect(inputs).toHaveLength(3);
    expect(inputs.map((input) => input.history.tradeCount).sort()).toEqual([0, 2, 3]);
  });
});

describe('the performance policy, in code, per user (shared mode)', () => {
  const buy = (input: AnalysisInput): Signal => ({
    action: 'buy',
    confidence: 86,
    entryPrice: input.market.price,
    stopLoss: input.market.price * 0.995,
    takeProfit: input.market.price * 1.003,
  });

  it('holds a user under 40% win rate to more than 85, lowers a losing streak by 15–20, and asks caution after many stops', async () => {
    const { analyzer } = countingAnalyzer(buy);
    const { store, bot } = engine(analyzer);
    await activate(store, 3, ['BTCUSDT']);
    // user-0: no history. user-1: 1 win in 3 (33%), last two lost → streak 2 (−15). user-2: 3 stops of 4.
    await seedHistory(store, 'user-1', ['win', 'loss-tp', 'loss']);
    await seedHistory(store, 'user-2', ['stop', 'stop', 'win', 'stop']);
    const events: { userId: string; policy?: unknown; signal: Signal }[] = [];
    bot.on('analysis', (event) => events.push(event));
    const rejected: { userId: string; codes: string[] }[] = [];
    bot.on('trade:rejected', (e) =>
      rejected.push({ userId: e.userId, codes: e.violations.map((v) => v.code) }),
    );
    await bot.runCycle();
    const of = (userId: string) => events.find((e) => e.userId === userId)!;
    expect(of('user-0')).toMatchObject({
      signal: { confidence: 86 },
      policy: { requiredConfidence: 60, confidenceAdjustment: 0, caution: false, reasons: [] },
    });
    expect(of('user-1')).toMatchObject({
      signal: { confidence: 71 },
      policy: { requiredConfidence: 86, confidenceAdjustment: -15, caution: false },
    });
    expect(of('user-2')).toMatchObject({ policy: { caution: true, requiredConfidence: 86 + 10 } });
    // user-0 trades; the others are refused by the confidence their record requires.
    expect(rejected).toEqual([
      { userId: 'user-1', codes: ['LOW_CONFIDENCE'] },
      { userId: 'user-2', codes: ['LOW_CONFIDENCE'] },
    ]);
    expect(await store.openPositions('user-0')).toHaveLength(1);
    // One read answers "why did this user buy": the model's signal, the policy, the verdict, the trade.
    const [position] = await store.openPositions('user-0');
    expect((await store.recentAnalyses('user-0', 1))[0]).toMatchObject({
      mode: 'shared',
      modelSignal: { action: 'buy', confidence: 86 },
      policy: { requiredConfidence: 60 },
      verdict: { approved: true, violations: [] },
      tradeId: position?.tradeId,
      clientOrderId: expect.stringMatching(/^trdE/),
    });
    expect((await store.recentAnalyses('user-1', 1))[0]).toMatchObject({
      signal: { confidence: 71 },
      verdict: { approved: false, violations: ['LOW_CONFIDENCE'] },
    });
  });
});

describe('model budget and circuit breaker', () => {
  it('stops calling at the day cap (reached at 14:00) and holds until 00:00 UTC, then analyses again', async () => {
    const { analyzer, inputs } = countingAnalyzer();
    const { store, bot, clock } = engine(
      analyzer,
      { modelBudget: { requestsPerDay: 3 }, userCooldownMs: 0 },
      Date.UTC(2025, 5, 2, 13, 58),
    );
    await activate(store, 2, ['BTCUSDT']);
    const limited: string[] = [];
    bot.on('model:limited', (event) => limited.push(event.reason));
    for (let minute = 0; minute < 5; minute++) {
      await bot.runCycle();
      await clock.advance(60_000);
    }
    // 13:58, 13:59, 14:00: three candles, three calls; from 14:01 the cap holds.
    expect(inputs).toHaveLength(3);
    expect(limited[0]).toContain('3 model requests today');
    const record = (await store.recentAnalyses('user-0', 1))[0];
    expect(record?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringContaining('model call not made'),
    });
    // Through the night: still capped at 23:59, analysed again after midnight.
    await clock.advanceTo(Date.UTC(2025, 5, 2, 23, 59));
    await bot.runCycle();
    expect(inputs).toHaveLength(3);
    await clock.advanceTo(Date.UTC(2025, 5, 3, 0, 1));
    await bot.runCycle();
    expect(inputs).toHaveLength(4);
  });

  it('opens the breaker after repeated failures: holds with the reason, one trial call after the cooldown', async () => {
    let calls = 0;
    const analyzer: Analyzer = {
      specificationVersion: 'v1',
      name: 'down',
      async analyze() {
        calls++;
        throw new Error('model service down');
      },
    };
    const { store, bot, clock } = engine(analyzer, {
      userCooldownMs: 0,
      circuitBreaker: { failures: 2, cooldownMs: 5 * 60_000 },
    });
    await activate(store, 1, ['BTCUSDT']);
    for (let minute = 0; minute < 4; minute++) {
      await bot.runCycle();
      await clock.advance(60_000);
    }
    expect(calls).toBe(2);
    expect((await store.recentAnalyses('user-0', 1))[0]?.signal.reasoning).toContain('circuit is open');
    await clock.advance(3 * 60_000);
    await bot.runCycle();
    expect(calls).toBe(3);
  });
});

describe("the analyzer's resumesAt: a spent quota pauses the model (virtual clock)", () => {
  it('holds with the reason and never calls the model until resumesAt, without opening the breaker', async () => {
    const resumesAt = at(10) + 10 * 60_000;
    const calls: number[] = [];
    let quotaSpent = true;
    const analyzer: Analyzer = {
      specificationVersion: 'v1',
      name: 'quota',
      async analyze() {
        calls.push(clock.now());
        if (quotaSpent) {
          quotaSpent = false;
          throw new ModelUnavailableError('429 RESOURCE_EXHAUSTED: daily quota spent', { resumesAt });
        }
        return { action: 'hold', confidence: 0, reasoning: 'no setup' };
      },
    };
    // One failure would open this breaker for 30 minutes: a quota pause must not count as one.
    const { store, bot, clock } = engine(analyzer, {
      userCooldownMs: 0,
      circuitBreaker: { failures: 1, cooldownMs: 30 * 60_000 },
    });
    await activate(store, 3, ['BTCUSDT']);
    const limited: { reason: string; until?: number }[] = [];
    bot.on('model:limited', (event) => limited.push(event));
    const errors: unknown[] = [];
    bot.on('error', (event) => errors.push(event));

    for (let minute = 0; minute < 10; minute++) {
      const report = await bot.runCycle();
      expect(report.analysed).toBe(3);
      await clock.advance(60_000);
    }
    // The one call that met the spent quota; nothing more for ten minutes.
    expect(calls).toEqual([at(10)]);
    expect(errors).toEqual([]);
    expect(limited).toHaveLength(10);
    expect(limited.every((event) => event.until === resumesAt)).toBe(true);
    expect(limited[0]?.reason).toContain('daily quota spent');
    expect(limited[1]?.reason).toContain(`the model is paused until ${new Date(resumesAt).toISOString()}`);
    for (const userId of ['user-0', 'user-1', 'user-2']) {
      const [record] = await store.recentAnalyses(userId, 1);
      expect(record?.signal).toMatchObject({
        action: 'hold',
        reasoning: expect.stringContaining('paused until'),
      });
    }
    // At resumesAt the model answers again: the breaker never opened.
    expect(clock.now()).toBe(resumesAt);
    await bot.runCycle();
    expect(calls).toEqual([at(10), resumesAt]);
    expect((await store.recentAnalyses('user-0', 1))[0]?.signal.reasoning).toBe('no setup');
  });
});

/** Closed trades written straight into the store, oldest first. */
async function seedHistory(store: Store, userId: string, outcomes: ('win' | 'loss' | 'loss-tp' | 'stop')[]) {
  const base = at(8);
  for (const [i, outcome] of outcomes.entries()) {
    const clientOrderId = `seed-${userId}-${i}`;
    const openedAt = base + i * 120_000;
    const trade: Trade = {
      id: `trade-${clientOrderId}`,
      userId,
      symbol: 'BTCUSDT',
      side: 'buy',
      status: 'filled',
      quantity: '0.001',
      entryPrice: '63000',
      entryFee: '0',
      takeProfit: '63189',
      stopLoss: '62685',
      confidence: 70,
      clientOrderId,
      openedAt,
    };
    await store.journalIntent({
      clientOrderId,
      userId,
      kind: 'entry',
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      tradeId: trade.id,
      state: 'pending',
      createdAt: openedAt,
      updatedAt: openedAt,
    });
    await store.recordOpenedTrade({
      trade,
      position: openPositionOf(trade, { exitRef: `x-${i}` }),
      intentClientOrderId: clientOrderId,
    });
    const win = outcome === 'win';
    await store.recordClosedTrade({
      tradeId: trade.id,
      exitPrice: win ? '63189' : '62685',
      exitFee: '0',
      exitReason: outcome === 'stop' ? 'STOP_LOSS' : win ? 'TAKE_PROFIT' : 'TIMEOUT',
      exitQuantity: '0.001',
      dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0', cost: '0' },
      profitLoss: win ? '0.189' : '-0.315',
      profitLossPercent: win ? '0.3' : '-0.5',
      closedAt: openedAt + 60_000,
      durationSeconds: 60,
    });
  }
}
