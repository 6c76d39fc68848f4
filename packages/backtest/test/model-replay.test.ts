import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createAiSdkAnalyzer } from '@trd/ai-sdk';
import { openAiChatCompletion, startFakeOpenAiServer } from '@trd/ai-sdk/testing';
import { systemClock } from '@trd/core';
import { type AnswerCacheOptions, createMemoryAnswerCache } from '@trd/core/model-calls';
import { loadReplayCandles } from '@trd/exchange-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../src/index';

const API_KEY = 'sk-trd-backtest-fake-key-0123456789';
const candles = loadReplayCandles('btcusdt-1m-2024-09-21');
let fake: Awaited<ReturnType<typeof startFakeOpenAiServer>>;

beforeAll(async () => {
  fake = await startFakeOpenAiServer({ apiKey: API_KEY });
  // A deterministic "model": its answer depends only on the prompt it was sent. Every 7th prompt
  // (by a hash of its text) is a buy at the current price with the reference exits.
  fake.handle((request) => {
    const price = Number(/Current price: ([\d.]+)/.exec(request.user)?.[1]);
    let hash = 0;
    for (let i = 0; i < request.user.length; i++) hash = (hash * 31 + request.user.charCodeAt(i)) >>> 0;
    const buy = Number.isFinite(price) && hash % 7 === 0;
    return {
      status: 200,
      body: openAiChatCompletion(
        buy
          ? {
              signal: 'buy',
              confidence: 80,
              entry_price: price,
              stop_loss: Number((price * 0.995).toFixed(2)),
              take_profit: Number((price * 1.003).toFixed(2)),
              reasoning: 'fake model: buy',
            }
          : {
              signal: 'hold',
              confidence: 0,
              entry_price: null,
              stop_loss: null,
              take_profit: null,
              reasoning: 'fake model: hold',
            },
      ),
    };
  });
});
afterAll(async () => {
  await fake.close();
});

/** The AI SDK analyzer on the fake, as a backtest against a local OpenAI-compatible server would run it. */
function modelAnalyzer(cache: AnswerCacheOptions) {
  const model = createOpenAICompatible({
    name: 'fakeai',
    baseURL: fake.baseUrl,
    apiKey: API_KEY,
    supportsStructuredOutputs: true,
  }).chatModel('gpt-4o-mini');
  // Model calls take real time: their limits run on the system clock, and are lifted for the test.
  return createAiSdkAnalyzer({
    model,
    cache,
    clock: systemClock,
    requestsPerMinute: 100_000,
    concurrency: 1,
  });
}

async function backtest(cache: AnswerCacheOptions) {
  const { reports } = await runBacktest({
    markets: { BTCUSDT: candles },
    users: [
      { id: 'alice', symbol: 'BTCUSDT', startingBalance: '10000' },
      { id: 'bob', symbol: 'BTCUSDT', startingBalance: '2500', config: { takeProfitPercent: 0.5 } },
    ],
    analyzer: modelAnalyzer(cache),
    tradingHours: null,
    from: candles[150]!.openTime,
    to: candles[260]!.openTime,
  });
  return reports;
}

describe('a backtest with a model analyzer', () => {
  it('replays from the answer cache with identical results and no model call', async () => {
    const store = createMemoryAnswerCache();
    const recorded = await backtest({ store, mode: 'record-replay' });
    const calls = fake.requests.length;
    expect(calls).toBeGreaterThan(50);
    expect(store.size).toBe(calls);
    const trades = recorded.flatMap((report) => report.trades);
    expect(trades.length).toBeGreaterThan(0);
    expect(recorded.flatMap((report) => report.errors)).toEqual([]);

    // Replay only: a prompt missing from the cache would be an error, not a quiet hold.
    const replayed = await backtest({ store, mode: 'replay', replayMiss: 'error' });
    expect(fake.requests.length).toBe(calls);
    expect(replayed.flatMap((report) => report.errors)).toEqual([]);
    for (const [index, report] of replayed.entries()) {
      const original = recorded[index]!;
      expect(report.trades).toEqual(original.trades);
      expect(report.signals).toEqual(original.signals);
      expect(report.netProfitLoss).toBe(original.netProfitLoss);
      expect(report.finalBalance).toBe(original.finalBalance);
    }
  }, 120_000);
});
