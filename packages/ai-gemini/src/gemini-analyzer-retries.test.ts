import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, ModelUnavailableError, VirtualClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeminiUnavailableError } from './gemini-api-error';
import { createGeminiAnalyzer, type GeminiAnalyzerOptions } from './index';
import { settleOnVirtualTime, startFake, TEST_API_KEY, waitUntil } from './test-support';
import { type FakeGeminiServer, startFakeGeminiServer } from './testing/fake-gemini-server';
import {
  geminiAnswerBody,
  geminiInternalErrorBody,
  geminiInvalidArgumentBody,
  geminiOverloadedBody,
  geminiQuotaExceededBody,
} from './testing/gemini-responses';

const input = createAnalysisInput();
const price = input.market.price;
const buy = {
  signal: 'buy',
  confidence: 75,
  entry_price: price,
  stop_loss: price * 0.995,
  take_profit: price * 1.003,
  reasoning: 'Momentum.',
};
const ok = { status: 200, body: geminiAnswerBody(buy) };

describe('retries, timeouts and cancellation', () => {
  let clock: VirtualClock;
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  function analyzer(options: Partial<GeminiAnalyzerOptions> = {}) {
    // Attempts time out only when a test wants them to: the virtual clock runs fast here.
    return createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
      timeoutMs: 3_600_000,
      analysisTimeoutMs: 3_600_000,
      ...options,
    });
  }

  function gaps(): number[] {
    return fake.requests
      .slice(1)
      .map((request, index) => request.receivedAt - fake.requests[index]!.receivedAt);
  }

  it('retries a 500 after a backoff and returns the answer', async () => {
    fake.reply({ status: 500, body: geminiInternalErrorBody() }, ok);
    const gemini = analyzer();
    const signal = await settleOnVirtualTime(clock, gemini.analyze(input), 50, () => gemini.running === 0);
    expect(signal.action).toBe('buy');
    expect(fake.requests).toHaveLength(2);
    // First retry: half of retryBaseDelayMs (1,000) with the jitter pinned at 0.
    expect(gaps()[0]).toBeGreaterThanOrEqual(500);
    expect(gaps()[0]).toBeLessThan(500 + 150);
  });

  it('waits as long as a 429 RetryInfo asks before retrying', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('38s') }, ok);
    const gemini = analyzer();
    const signal = await settleOnVirtualTime(clock, gemini.analyze(input), 250, () => gemini.running === 0);
    expect(signal.action).toBe('buy');
    expect(fake.requests).toHaveLength(2);
    expect(gaps()[0]).toBeGreaterThanOrEqual(38_000);
    expect(gaps()[0]).toBeLessThan(38_000 + 750);
  });

  it('backs off exponentially with jitter, then throws ModelUnavailableError when retries run out', async () => {
    fake.handle(() => ({ status: 503, body: geminiOverloadedBody() }));
    const gemini = analyzer({ maxRetries: 3, random: () => 0.5 });
    const error = await settleOnVirtualTime(
      clock,
      gemini.analyze(input),
      25,
      () => gemini.running === 0,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      httpStatus: 503,
      rpcStatus: 'UNAVAILABLE',
      attempts: 4,
    });
    expect((error as Error).message).toMatch(
      /after 4 attempts: HTTP 503 UNAVAILABLE: The model is overloaded/,
    );
    expect(fake.requests).toHaveLength(4);
    // 1,000 × 2^n ceilings, three quarters of each with the jitter at 0.5: 750, 1,500, 3,000.
    const expected = [750, 1_500, 3_000];
    gaps().forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(expected[index]!);
      expect(gap).toBeLessThan(expected[index]! + 100);
    });
  });

  it('does not retry a request Gemini refuses (400)', async () => {
    fake.reply({
      status: 400,
      body: geminiInvalidArgumentBody('Invalid JSON payload received. Unknown name "foo"'),
    });
    const error = await analyzer()
      .analyze(input)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect(error).toMatchObject({ httpStatus: 400, isRetryable: false, attempts: 1 });
    expect((error as Error).message).toMatch(/refused the request: HTTP 400 INVALID_ARGUMENT/);
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry an unknown model (404), and says which', async () => {
    const strictFake = await startFakeGeminiServer({ apiKey: TEST_API_KEY, models: ['gemini-2.5-flash'] });
    try {
      const unknown = createGeminiAnalyzer({
        apiKey: TEST_API_KEY,
        baseUrl: strictFake.baseUrl,
        model: 'gemini-9-ultra',
      });
      const error = await unknown.analyze(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GeminiUnavailableError);
      expect(error).toMatchObject({
        httpStatus: 404,
        rpcStatus: 'NOT_FOUND',
        attempts: 1,
        isRetryable: false,
      });
      expect((error as Error).message).toMatch(/models\/gemini-9-ultra is not found/);
    } finally {
      await strictFake.close();
    }
  });

  it('reports a rejected API key as an AuthenticationError, without retrying', async () => {
    const wrong = createGeminiAnalyzer({ apiKey: 'AIzaSy-wrong-key', baseUrl: fake.baseUrl, clock });
    const error = await wrong.analyze(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/API key not valid/);
    expect(fake.unauthorized).toBe(1);
  });

  it('gives up at once when the service asks for a longer wait than maxRetryAfterMs (daily quota)', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('3600s') });
    const error = await analyzer()
      .analyze(input)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect(error).toMatchObject({ httpStatus: 429, retryAfterMs: 3_600_000, attempts: 1 });
    expect((error as Error).message).toMatch(/asked to wait 3600000 ms, more than maxRetryAfterMs/);
    expect(fake.requests).toHaveLength(1);
  });

  it('abandons an attempt after timeoutMs, retries, and then gives up', async () => {
    fake.handle(() => ({ hang: true }));
    const gemini = analyzer({ timeoutMs: 5_000, maxRetries: 1 });
    // Time runs only while the fake holds the request or between attempts: the deadline is for the answer.
    const error = await settleOnVirtualTime(
      clock,
      gemini.analyze(input),
      100,
      () => fake.inFlight > 0 || gemini.running === 0,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect((error as Error).message).toMatch(/after 2 attempts: no answer within 5000 ms/);
    expect(fake.requests).toHaveLength(2);
    await waitUntil(() => fake.abandoned === 2);
  });

  it('stops and rejects with the caller’s reason when its signal aborts mid-call', async () => {
    fake.handle(() => ({ hang: true }));
    const controller = new AbortController();
    const run = analyzer().analyze(input, { signal: controller.signal });
    await waitUntil(() => fake.inFlight === 1);
    controller.abort(new Error('cycle stopped'));
    await expect(run).rejects.toThrow('cycle stopped');
    await waitUntil(() => fake.abandoned === 1);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops during a backoff when the caller aborts, without retrying', async () => {
    fake.reply({ status: 500, body: geminiInternalErrorBody() }, ok);
    const controller = new AbortController();
    const run = analyzer({ retryBaseDelayMs: 10_000 }).analyze(input, { signal: controller.signal });
    await waitUntil(() => fake.requests.length === 1 && fake.inFlight === 0);
    await clock.advance(1_000);
    controller.abort(new Error('shutting down'));
    await expect(run).rejects.toThrow('shutting down');
    await clock.advance(60_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(analyzer().analyze(input, { signal: controller.signal })).rejects.toThrow('too late');
    expect(fake.requests).toHaveLength(0);
  });

  it('retries network failures, then throws ModelUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      clock,
      maxRetries: 2,
    });
    const error = await settleOnVirtualTime(
      clock,
      unreachable.analyze(input),
      100,
      () => unreachable.running === 0,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect(error).toMatchObject({ attempts: 3, httpStatus: undefined });
    expect((error as Error).message).toMatch(
      /request failed before an HTTP answer \(TypeError: fetch failed\)/,
    );
  });
});
