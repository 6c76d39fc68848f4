import {
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  ModelUnavailableError,
  type TradingBotEvents,
  VirtualClock,
} from '@trd/core';
import { loadCandleFixture } from '@trd/core/testing';
import { createMockExchange } from '@trd/exchange-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from '../src/gemini-analyzer';
import { settleOnVirtualTime, startFake, TEST_API_KEY } from '../src/test-support';
import type { FakeGeminiServer, RecordedGeminiRequest } from '../src/testing/fake-gemini-server';
import {
  geminiAnswerBody,
  geminiDailyQuotaExceededBody,
  geminiOverloadedBody,
} from '../src/testing/gemini-responses';

/** 2024-09-21 10:00 UTC: inside trading hours, on the BTCUSDT fixture's day. */
const FIXTURE_DAY = Date.UTC(2024, 8, 21);
const TEN_AM = FIXTURE_DAY + 10 * 3_600_000;

function symbolOf(request: RecordedGeminiRequest): string {
  const prompt = request.body.contents?.[0]?.parts?.[0]?.text ?? '';
  return /MARKET: (\w+)/.exec(prompt)?.[1] ?? '';
}

/** A buy at the current price with the exits core's prompt suggests, as a sensible model would. */
function buyFromPrompt(request: RecordedGeminiRequest): object {
  const prompt = request.body.contents?.[0]?.parts?.[0]?.text ?? '';
  const price = Number(/Current price: ([\d.]+)/.exec(prompt)?.[1]);
  const exits = /buy → stop_loss ([\d.]+), take_profit ([\d.]+)/.exec(prompt);
  return {
    signal: 'buy',
    confidence: 82,
    entry_price: price,
    stop_loss: Number(exits?.[1]),
    take_profit: Number(exits?.[2]),
    reasoning: 'Oversold bounce; invest 100% of the balance.',
  };
}

describe('the engine with the Gemini analyzer (local fake of the API, simulated venue)', () => {
  let fake: FakeGeminiServer;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock(TEN_AM);
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  it('trades a valid answer, never trades an invalid one, and reports an unavailable model without stopping', async () => {
    // One symbol per user, so the fake can answer each user differently from the prompt.
    fake.handle((request) => {
      const symbol = symbolOf(request);
      if (symbol === 'BTCUSDT') return { status: 200, body: geminiAnswerBody(buyFromPrompt(request)) };
      if (symbol === 'ETHUSDT')
        return { status: 200, body: geminiAnswerBody('{"signal": "buy", "confidence": 95,') };
      return { status: 503, body: geminiOverloadedBody() };
    });
    const exchange = createMockExchange({
      clock,
      feeds: {
        BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') },
        ETHUSDT: {
          kind: 'replay',
          candles: loadCandleFixture('ethusdt-1m-2022-08-14'),
          startAt: FIXTURE_DAY,
        },
        SOLUSDT: { kind: 'random-walk', seed: 7, startPrice: 150, volatility: 0.001, startTime: FIXTURE_DAY },
      },
      startingBalances: { USDT: '1000' },
    });
    const store = createMemoryStore({ clock });
    await store.saveConfig(defaultTradingConfig('alice', { symbol: 'BTCUSDT', isActive: true }));
    await store.saveConfig(defaultTradingConfig('bob', { symbol: 'ETHUSDT', isActive: true }));
    await store.saveConfig(defaultTradingConfig('carol', { symbol: 'SOLUSDT', isActive: true }));
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      maxRetries: 1,
      requestsPerMinute: 100,
    });
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
      analyzer,
      store,
      clock,
    });
    const analyses: TradingBotEvents['analysis'][0][] = [];
    const opened: TradingBotEvents['trade:opened'][0][] = [];
    const errors: TradingBotEvents['error'][0][] = [];
    bot.on('analysis', (event) => analyses.push(event));
    bot.on('trade:opened', (event) => opened.push(event));
    bot.on('error', (event) => errors.push(event));

    await settleOnVirtualTime(clock, bot.runCycle(), 100, () => analyzer.running === 0);

    // alice: a valid answer, sized by the risk manager (1% risk, at most 10% of 1,000 USDT), never by the model.
    expect(opened.map((event) => event.userId)).toEqual(['alice']);
    const entry = exchange.orders('alice').find((order) => order.type === 'market');
    expect(entry?.status).toBe('filled');
    expect(Number(entry!.quoteQuantity)).toBeGreaterThanOrEqual(5);
    expect(Number(entry!.quoteQuantity)).toBeLessThanOrEqual(100);
    expect(opened[0]!.trade.quantity).toBe(entry!.executedQuantity);
    const aliceAnalysis = analyses.find((event) => event.userId === 'alice');
    expect(aliceAnalysis?.analyzer).toBe('gemini:gemini-2.5-flash');
    expect(aliceAnalysis?.signal.usage).toMatchObject({ model: 'gemini-2.5-flash', inputTokens: 812 });

    // bob: malformed JSON is a hold with its reason, recorded for the audit trail, and no order.
    const bobAnalysis = analyses.find((event) => event.userId === 'bob');
    expect(bobAnalysis?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringMatching(/invalid model answer/),
    });
    expect(bobAnalysis?.signal.usage?.rawAnswer).toBe('{"signal": "buy", "confidence": 95,');
    expect(exchange.orders('bob')).toEqual([]);
    expect(await store.recentAnalyses('bob', 1)).toMatchObject([{ signal: { action: 'hold' } }]);

    // carol: Gemini overloaded through the retry: shared mode (the default) reports it once for
    // the symbol, as the model being unavailable; carol holds with the reason, no order.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stage: 'analysis', symbol: 'SOLUSDT' });
    expect(errors[0]!.error).toBeInstanceOf(ModelUnavailableError);
    expect(analyses.find((event) => event.userId === 'carol')?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringMatching(/shared analysis failed: Gemini unavailable after 2 attempts/),
    });
    expect(exchange.orders('carol')).toEqual([]);
    expect(fake.requests.filter((request) => symbolOf(request) === 'SOLUSDT')).toHaveLength(2);
  });

  it('sends the market in both modes, never a user id, and one request for identical inputs', async () => {
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') } },
    });
    for (const mode of ['shared', 'personal'] as const) {
      const store = createMemoryStore({ clock });
      for (const userId of ['alice', 'bob', 'carol'])
        await store.saveConfig(defaultTradingConfig(userId, { symbol: 'BTCUSDT', isActive: true }));
      const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, clock });
      const bot = createTradingBot({
        marketData: exchange.marketData,
        accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
        analyzer,
        store,
        clock,
        settings: { analysisMode: mode },
      });
      fake.requests.length = 0;
      const report = await settleOnVirtualTime(clock, bot.runCycle(), 100, () => analyzer.running === 0);
      expect(report.analysed).toBe(3);
      // Three users, identical inputs: one request either way.
      expect(fake.requests).toHaveLength(1);
      const prompt = fake.requests[0]!.body.contents?.[0]?.parts?.[0]?.text ?? '';
      expect(prompt).toMatch(/MARKET: BTCUSDT/);
      expect(prompt).not.toMatch(/alice|bob|carol/);
      await clock.advance(60_000);
    }
  });

  it('a daily-quota 429 pauses the model for everyone until its reset: holds with the reason, no request, no breaker failure', async () => {
    fake.reply({ status: 429, body: geminiDailyQuotaExceededBody({ retryDelay: '22s' }) });
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') } },
    });
    const store = createMemoryStore({ clock });
    // Personal mode, distinct configs: six distinct inputs, six calls.
    for (let index = 0; index < 6; index++)
      await store.saveConfig(
        defaultTradingConfig(`user-${index}`, {
          symbol: 'BTCUSDT',
          isActive: true,
          minConfidence: 60 + index,
        }),
      );
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      concurrency: 1,
    });
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
      analyzer,
      store,
      clock,
      settings: { analysisMode: 'personal', circuitBreaker: { failures: 5, cooldownMs: 300_000 } },
    });
    const errors: TradingBotEvents['error'][0][] = [];
    const limited: TradingBotEvents['model:limited'][0][] = [];
    bot.on('error', (event) => errors.push(event));
    bot.on('model:limited', (event) => limited.push(event));

    const started = clock.now();
    await settleOnVirtualTime(clock, bot.runCycle(), 100, () => analyzer.running === 0);
    // Answered at once (no virtual time spent waiting), one request, five refused in the analyzer;
    // each user holds with the reason (a spent quota is no user's error).
    expect(clock.now() - started).toBeLessThan(1_000);
    expect(fake.requests).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(limited).toHaveLength(6);
    const resumesAt = analyzer.suspendedUntil;
    expect(resumesAt).toBeGreaterThan(clock.now());
    for (const event of limited) expect(event.until).toBe(resumesAt);
    expect(limited.filter((event) => /Gemini not called: daily quota/.test(event.reason))).toHaveLength(5);
    const [record] = await store.recentAnalyses('user-3', 1);
    expect(record?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringContaining('paused until'),
    });

    // The engine's budget holds the pause: the next cycle calls no model (not even the analyzer's
    // fast refusal) and says why; the breaker's count is untouched (see
    // src/gemini-analyzer-engine-quota.test.ts for the reset at midnight Pacific).
    await clock.advance(60_000);
    await settleOnVirtualTime(clock, bot.runCycle(), 100, () => analyzer.running === 0);
    expect(fake.requests).toHaveLength(1);
    expect(limited).toHaveLength(12);
    expect(limited.at(-1)!.reason).toMatch(/the model is paused until/);
    expect(limited.at(-1)!.reason).not.toMatch(/circuit is open/);
  });
});
