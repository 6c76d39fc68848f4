import { ConfigError, DEFAULT_ENGINE_SETTINGS, VirtualClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ATTEMPTS_WITHIN_ANALYSIS,
  defaultAttemptTimeoutMs,
  resolveGeminiAnalyzerOptions,
} from './gemini-analyzer-options';
import { GeminiUnavailableError } from './gemini-api-error';
import { createGeminiAnalyzer } from './index';
import { settleOnVirtualTime, startFake, TEST_API_KEY, waitUntil } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody, geminiQuotaExceededBody } from './testing/gemini-responses';

const input = createAnalysisInput();
const hold = {
  signal: 'hold',
  confidence: 30,
  entry_price: null,
  stop_loss: null,
  take_profit: null,
  reasoning: 'Flat.',
};

describe('per-attempt timeouts leave room for a retry inside the analysis timeout', () => {
  it('defaults to (analysisTimeoutMs − retryBaseDelayMs) / 2: 14,500 ms with the engine’s 30 s', () => {
    expect(ATTEMPTS_WITHIN_ANALYSIS).toBe(2);
    const resolved = resolveGeminiAnalyzerOptions({ apiKey: TEST_API_KEY });
    expect(resolved.analysisTimeoutMs).toBe(DEFAULT_ENGINE_SETTINGS.analysisTimeoutMs);
    expect(resolved.timeoutMs).toBe(14_500);
    // An attempt that times out, the longest first backoff and a whole retry fit.
    expect(2 * resolved.timeoutMs + resolved.retryBaseDelayMs).toBeLessThanOrEqual(
      resolved.analysisTimeoutMs,
    );
  });

  it('derives the default from the analysis timeout and the backoff given', () => {
    expect(resolveGeminiAnalyzerOptions({ apiKey: TEST_API_KEY, analysisTimeoutMs: 10_000 }).timeoutMs).toBe(
      4_500,
    );
    expect(
      resolveGeminiAnalyzerOptions({
        apiKey: TEST_API_KEY,
        analysisTimeoutMs: 10_000,
        retryBaseDelayMs: 2_001,
      }).timeoutMs,
    ).toBe(3_999);
    expect(defaultAttemptTimeoutMs(60_000, 0)).toBe(30_000);
    expect(resolveGeminiAnalyzerOptions({ apiKey: TEST_API_KEY, timeoutMs: 8_000 }).timeoutMs).toBe(8_000);
  });

  it('refuses an analysis timeout that leaves no time for an attempt', () => {
    expect(() =>
      resolveGeminiAnalyzerOptions({
        apiKey: TEST_API_KEY,
        analysisTimeoutMs: 1_000,
        retryBaseDelayMs: 1_000,
      }),
    ).toThrow(ConfigError);
    expect(() => resolveGeminiAnalyzerOptions({ apiKey: TEST_API_KEY, analysisTimeoutMs: 0 })).toThrow(
      /analysisTimeoutMs must be an integer >= 1/,
    );
  });
});

describe('the analysis window on a virtual clock', () => {
  let clock: VirtualClock;
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  it('times an attempt out at 14.5 s, retries once, and gives up before the engine’s 30 s', async () => {
    fake.handle(() => ({ hang: true }));
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
    });
    const start = clock.now();
    let endedAt = 0;
    const error = await settleOnVirtualTime(
      clock,
      gemini.analyze(input).finally(() => {
        endedAt = clock.now();
      }),
      100,
      () => fake.inFlight > 0 || gemini.running === 0,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect((error as Error).message).toMatch(
      /after 2 attempts, no time left in analysisTimeoutMs \(30000\) for a retry in 1000 ms: no answer within 14500 ms/,
    );
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests.map((request) => request.receivedAt - start);
    expect(first).toBe(0);
    expect(second).toBeGreaterThanOrEqual(14_500 + 500);
    expect(endedAt - start).toBeLessThan(DEFAULT_ENGINE_SETTINGS.analysisTimeoutMs);
    await waitUntil(() => fake.abandoned === 2);
  });

  it('a retry succeeds inside the window when the first attempt hangs', async () => {
    fake.reply({ hang: true });
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(hold) }));
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
    });
    const start = clock.now();
    const signal = await settleOnVirtualTime(
      clock,
      gemini.analyze(input),
      100,
      () => fake.inFlight > 0 || gemini.running === 0,
    );
    expect(signal.reasoning).toBe('Flat.');
    expect(clock.now() - start).toBeLessThan(30_000);
  });

  it('cuts the last attempt to the time left in the window', async () => {
    fake.handle(() => ({ hang: true }));
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
      analysisTimeoutMs: 20_000,
      timeoutMs: 12_000,
    });
    const error = await settleOnVirtualTime(
      clock,
      gemini.analyze(input),
      100,
      () => fake.inFlight > 0 || gemini.running === 0,
    ).catch((caught: unknown) => caught);
    // 12 s, a 0.5 s backoff, then the 7.5 s left.
    expect((error as Error).message).toMatch(/no answer within 7500 ms/);
    expect(fake.requests).toHaveLength(2);
  });

  it('fails at once when a RetryInfo wait would not fit in the window', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('40s') });
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
    });
    const error = await gemini.analyze(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect(error).toMatchObject({ attempts: 1, retryAfterMs: 40_000 });
    expect((error as Error).message).toMatch(
      /no time left in analysisTimeoutMs \(30000\) for a retry in 40000 ms/,
    );
    expect(fake.requests).toHaveLength(1);
  });
});
