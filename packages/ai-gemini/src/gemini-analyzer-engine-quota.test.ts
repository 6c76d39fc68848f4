import {
  type Analyzer,
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  VirtualClock,
} from '@trd/core';
import { createMockExchange } from '@trd/exchange-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody, geminiDailyQuotaExceededBody } from './testing/gemini-responses';

/** 2025-07-01 14:00 UTC = 07:00 PDT; Gemini's daily quotas reset at 2025-07-02 07:00 UTC. */
const START = Date.UTC(2025, 6, 1, 14);
const PACIFIC_MIDNIGHT = Date.UTC(2025, 6, 2, 7);

describe('the engine honours the Gemini analyzer’s resumesAt (a daily-quota 429)', () => {
  let clock: VirtualClock;
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    clock = new VirtualClock(START);
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  it('holds every user with the reason and calls no model until midnight Pacific, then analyses', async () => {
    fake.reply({ status: 429, body: geminiDailyQuotaExceededBody() });
    fake.handle(() => ({
      status: 200,
      body: geminiAnswerBody({
        signal: 'hold',
        confidence: 20,
        entry_price: null,
        stop_loss: null,
        take_profit: null,
        reasoning: 'Flat market.',
      }),
    }));
    const gemini = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, clock });
    let analyzeCalls = 0;
    const counted: Analyzer = {
      ...gemini,
      analyze: (input, options) => {
        analyzeCalls++;
        return gemini.analyze(input, options);
      },
    };
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'random-walk', seed: 11, startPrice: 60_000, volatility: 0.0005 } },
    });
    const store = createMemoryStore({ clock });
    for (let index = 0; index < 3; index++)
      await store.saveConfig(defaultTradingConfig(`user-${index}`, { isActive: true }));
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
      analyzer: counted,
      store,
      clock,
      // One failure would open this breaker for a day: the quota pause must not count as one.
      settings: {
        tradingHours: null,
        userCooldownMs: 0,
        circuitBreaker: { failures: 1, cooldownMs: 86_400_000 },
      },
    });
    const limited: { reason: string; until?: number }[] = [];
    bot.on('model:limited', (event) => limited.push(event));

    await bot.runCycle();
    expect(fake.requests).toHaveLength(1);
    expect(limited[0]).toMatchObject({ until: PACIFIC_MIDNIGHT });
    expect(limited[0]?.reason).toContain('daily quota');
    for (const time of [START + 60_000, Date.UTC(2025, 6, 1, 23), PACIFIC_MIDNIGHT - 60_000]) {
      await clock.advanceTo(time);
      expect((await bot.runCycle()).analysed).toBe(3);
    }
    // Not called at all while paused: neither the analyzer nor, so, Gemini.
    expect(analyzeCalls).toBe(1);
    expect(fake.requests).toHaveLength(1);
    const [held] = await store.recentAnalyses('user-2', 1);
    expect(held?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringContaining('paused until 2025-07-02T07:00:00.000Z'),
    });

    await clock.advanceTo(PACIFIC_MIDNIGHT);
    await bot.runCycle();
    expect(fake.requests).toHaveLength(2);
    expect((await store.recentAnalyses('user-2', 1))[0]?.signal.reasoning).toBe('Flat market.');
  });
});
