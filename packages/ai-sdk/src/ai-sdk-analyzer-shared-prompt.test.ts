import { buildAnalysisPrompt, buildMarketPrompt } from '@trd/core/analysis';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import { fakeModel, startFake } from './test-support';
import type { FakeOpenAiServer } from './testing/fake-openai-server';

describe('the prompt the model gets in each analysis mode, as Gemini’s', () => {
  let fake: FakeOpenAiServer;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends the market-only prompt for a shared input and the per-user prompt for a personal one', async () => {
    const analyzer = createAiSdkAnalyzer({ model: fakeModel(fake) });
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
    const [shared, personal] = fake.requests.map(({ system, user }) => ({ system, user }));
    expect(shared).toEqual(buildMarketPrompt(input));
    expect(shared?.user).not.toContain('PERFORMANCE');
    expect(personal).toEqual(buildAnalysisPrompt(input));
    expect(personal?.user).toContain('YOUR RECENT PERFORMANCE');
  });
});
