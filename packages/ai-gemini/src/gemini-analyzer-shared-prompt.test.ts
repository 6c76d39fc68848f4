import { createMemoryStore, createTradingBot, defaultTradingConfig, VirtualClock } from '@trd/core';
import { buildAnalysisPrompt, buildMarketPrompt } from '@trd/core/analysis';
import { createAnalysisInput } from '@trd/core/testing';
import { createMockExchange } from '@trd/exchange-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer, RecordedGeminiRequest } from './testing/fake-gemini-server';

const promptOf = (request: RecordedGeminiRequest) => ({
  system: request.body.systemInstruction?.parts?.map((part) => part.text ?? '').join('') ?? '',
  user: request.body.contents?.map((content) => content.parts?.[0]?.text ?? '').join('') ?? '',
});

describe('the prompt Gemini gets in each analysis mode', () => {
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends the market-only prompt for a shared input and the per-user prompt for a personal one', async () => {
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const input = createAnalysisInput({
      history: {
        tradeCount: 6,
        winRate: 33.3,
        averagePnl: -0.2,
        stopLossHitRate: 66.7,
        takeProfitHitRate: 33.3,
        recentTrend: 'losing',
        losingStreak: 3,
      },
    });
    await analyzer.analyze({ ...input, mode: 'shared' });
    await analyzer.analyze({ ...input, mode: 'personal' });
    const [shared, personal] = fake.requests.map(promptOf);
    expect(shared).toEqual(buildMarketPrompt(input));
    expect(shared?.user).not.toContain('PERFORMANCE');
    expect(personal).toEqual(buildAnalysisPrompt(input));
    expect(personal?.user).toContain('YOUR RECENT PERFORMANCE');
  });

  it('in the engine, shared mode: users with different settings share one market-only request', async () => {
    const clock = new VirtualClock(Date.UTC(2025, 5, 2, 10, 0));
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'random-walk', seed: 3, startPrice: 60_000, volatility: 0.0005 } },
    });
    const store = createMemoryStore({ clock });
    const settings = [
      { minConfidence: 90, takeProfitPercent: 1.7, stopLossPercent: 2.3 },
      { minConfidence: 41, takeProfitPercent: 0.45, stopLossPercent: 0.25 },
      {},
    ];
    for (const [index, overrides] of settings.entries())
      await store.saveConfig(defaultTradingConfig(`user-${index}`, { isActive: true, ...overrides }));
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
      analyzer: createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, clock }),
      store,
      clock,
      settings: { tradingHours: null, analysisMode: 'shared' },
    });
    const report = await bot.runCycle();
    expect(report.analysed).toBe(3);
    expect(fake.requests).toHaveLength(1);
    const { system, user } = promptOf(fake.requests[0] as RecordedGeminiRequest);
    expect(user).toContain('MARKET: BTCUSDT');
    expect(`${system}\n${user}`).not.toMatch(
      /user’s settings|RECENT PERFORMANCE|no closed trades|1\.7%|2\.3%/,
    );
    expect(user).toContain('Take profit 0.3% and stop loss 0.5% from the entry.');
  });
});
