import { VirtualClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { settleOnVirtualTime, startFake, TEST_API_KEY, waitUntil } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody, geminiQuotaExceededBody } from './testing/gemini-responses';

const inputs = Array.from({ length: 200 }, (_, index) => createAnalysisInput({ userId: `user-${index}` }));
const hold = {
  signal: 'hold',
  confidence: 30,
  entry_price: null,
  stop_loss: null,
  take_profit: null,
  reasoning: 'Flat.',
};

describe('limits shared by every user of one analyzer', () => {
  let fake: FakeGeminiServer;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  it('never has more than `concurrency` calls in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(hold), release: gate }));
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      concurrency: 3,
      requestsPerMinute: 1_000,
    });
    const runs = inputs.slice(0, 10).map((input) => analyzer.analyze(input));

    await waitUntil(() => fake.inFlight === 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.inFlight).toBe(3);
    expect(analyzer.running).toBe(3);
    expect(analyzer.queued).toBe(7);

    release();
    const signals = await Promise.all(runs);
    expect(signals.every((signal) => signal.action === 'hold' && signal.reasoning === 'Flat.')).toBe(true);
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxInFlight).toBe(3);
    expect(analyzer.running + analyzer.queued).toBe(0);
  });

  it('serves 200 users through a handful of connections, not 200 at once', async () => {
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(hold) }));
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      concurrency: 4,
      requestsPerMinute: 100_000,
    });
    const signals = await Promise.all(inputs.map((input) => analyzer.analyze(input)));
    expect(signals).toHaveLength(200);
    expect(signals.every((signal) => signal.action === 'hold')).toBe(true);
    expect(fake.requests).toHaveLength(200);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('starts at most `requestsPerMinute` calls in any 60 s window', async () => {
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(hold) }));
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      concurrency: 10,
      requestsPerMinute: 2,
      timeoutMs: 3_600_000,
      analysisTimeoutMs: 3_600_000,
    });
    const start = clock.now();
    await settleOnVirtualTime(
      clock,
      Promise.all(inputs.slice(0, 5).map((input) => analyzer.analyze(input))),
      500,
    );

    const times = fake.requests.map((request) => request.receivedAt - start);
    expect(times).toHaveLength(5);
    expect(times.slice(0, 2)).toEqual([0, 0]);
    for (let index = 2; index < times.length; index++) {
      expect(times[index]! - times[index - 2]!).toBeGreaterThanOrEqual(60_000);
    }
    expect(times[4]).toBeLessThan(120_000 + 1_000);
  });

  it('holds every queued call, not only the one refused, while a 429 asks to wait', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('20s') });
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(hold) }));
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      concurrency: 1,
      requestsPerMinute: 100,
      timeoutMs: 3_600_000,
      analysisTimeoutMs: 3_600_000,
    });
    const start = clock.now();
    const signals = await settleOnVirtualTime(
      clock,
      Promise.all(inputs.slice(0, 3).map((input) => analyzer.analyze(input))),
      250,
      () => analyzer.running === 0,
    );
    expect(signals.map((signal) => signal.action)).toEqual(['hold', 'hold', 'hold']);
    const times = fake.requests.map((request) => request.receivedAt - start);
    expect(times).toHaveLength(4);
    expect(times[0]).toBe(0);
    for (const later of times.slice(1)) expect(later).toBeGreaterThanOrEqual(20_000);
  });
});
