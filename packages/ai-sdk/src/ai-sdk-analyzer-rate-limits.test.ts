import { createOpenAI } from '@ai-sdk/openai';
import { VirtualClock } from '@trd/core';
import { createAnalysisInput, settleOnVirtualTime, waitUntil } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import type { AiSdkAnalyzerOptions } from './ai-sdk-analyzer-options';
import { AiSdkUnavailableError } from './ai-sdk-error';
import { answerReply, buyAnswer, fakeModel, startFake, TEST_API_KEY } from './test-support';
import type { FakeOpenAiServer } from './testing/fake-openai-server';
import { openAiRateLimitBody, openAiRateLimitHeaders } from './testing/openai-responses';

const input = createAnalysisInput();
const price = input.market.price;
/** The virtual clock moves in steps this long while no call is in flight. */
const STEP_MS = 250;

/**
 * OpenAI's 429s through the real `@ai-sdk/openai-compatible` provider and core's retry policy,
 * on a virtual clock: the waits are measured, not slept.
 */
describe('429 rate limits on a virtual clock', () => {
  let clock: VirtualClock;
  let fake: FakeOpenAiServer;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
    fake = await startFake({ now: () => clock.now() });
  });
  afterEach(async () => {
    await fake.close();
  });

  function analyzer(options: Partial<AiSdkAnalyzerOptions> = {}) {
    // Backoff pinned (jitter 0): a first retry would wait 500 ms on its own, far from any header.
    return createAiSdkAnalyzer({
      model: fakeModel(fake),
      clock,
      random: () => 0,
      timeoutMs: 3_600_000,
      analysisTimeoutMs: 3_600_000,
      ...options,
    });
  }

  function rateLimited(wait: Parameters<typeof openAiRateLimitHeaders>[0]) {
    return { status: 429, body: openAiRateLimitBody(), headers: openAiRateLimitHeaders(wait) };
  }

  function gaps(): number[] {
    return fake.requests
      .slice(1)
      .map((request, index) => request.receivedAt - fake.requests[index]!.receivedAt);
  }

  it.each([
    ['@ai-sdk/openai-compatible', () => fakeModel(fake)],
    [
      '@ai-sdk/openai',
      () => createOpenAI({ baseURL: fake.baseUrl, apiKey: TEST_API_KEY }).chat('gpt-4o-mini'),
    ],
  ])(
    'through %s: waits the retry-after seconds on the clock, then retries once and answers',
    async (_name, provider) => {
      fake.reply(rateLimited({ retryAfterSeconds: 20 }), answerReply(buyAnswer(price)));
      const model = analyzer({ model: provider() });
      const signal = await settleOnVirtualTime(
        clock,
        model.analyze(input),
        STEP_MS,
        () => model.running === 0,
      );
      expect(signal.action).toBe('buy');
      expect(fake.requests).toHaveLength(2);
      expect(gaps()[0]).toBeGreaterThanOrEqual(20_000);
      expect(gaps()[0]).toBeLessThan(20_000 + 2 * STEP_MS);
    },
  );

  it('takes retry-after-ms over retry-after when both are sent', async () => {
    fake.reply(rateLimited({ retryAfterSeconds: 9, retryAfterMs: 3_500 }), answerReply(buyAnswer(price)));
    const model = analyzer();
    await settleOnVirtualTime(clock, model.analyze(input), STEP_MS, () => model.running === 0);
    expect(fake.requests).toHaveLength(2);
    expect(gaps()[0]).toBeGreaterThanOrEqual(3_500);
    expect(gaps()[0]).toBeLessThan(3_500 + 2 * STEP_MS);
  });

  it('pauses the whole queue: a call made during the wait is sent only after it', async () => {
    fake.reply(
      rateLimited({ retryAfterSeconds: 10 }),
      answerReply(buyAnswer(price)),
      answerReply(buyAnswer(price)),
    );
    const model = analyzer();
    const first = model.analyze(input);
    await waitUntil(() => fake.requests.length === 1 && model.running === 0);
    const second = model.analyze(input);
    const both = Promise.all([first, second]);
    await settleOnVirtualTime(clock, both, STEP_MS, () => model.running === 0);
    expect(fake.requests).toHaveLength(3);
    const [rejected, ...after] = fake.requests;
    for (const request of after) {
      expect(request.receivedAt - rejected!.receivedAt).toBeGreaterThanOrEqual(10_000);
    }
  });

  it('gives up after maxRetries 429s with a retryable error that says what the API said', async () => {
    fake.reply(
      rateLimited({ retryAfterSeconds: 2 }),
      rateLimited({ retryAfterSeconds: 2 }),
      rateLimited({ retryAfterSeconds: 2 }),
    );
    const model = analyzer({ maxRetries: 2 });
    const error = (await settleOnVirtualTime(
      clock,
      model.analyze(input),
      STEP_MS,
      () => model.running === 0,
    ).catch((caught: unknown) => caught)) as AiSdkUnavailableError;
    expect(error).toBeInstanceOf(AiSdkUnavailableError);
    expect(error.message).toMatch(
      /unavailable after 3 attempts: HTTP 429 rate_limit_exceeded: Rate limit reached/,
    );
    expect(error).toMatchObject({
      attempts: 3,
      httpStatus: 429,
      providerCode: 'rate_limit_exceeded',
      retryAfterMs: 2_000,
      isRetryable: true,
    });
    expect(fake.requests).toHaveLength(3);
    expect(gaps().every((gap) => gap >= 2_000)).toBe(true);
  });

  it('a retry-after beyond maxRetryAfterMs fails at once and suspends the queue until then', async () => {
    fake.reply(rateLimited({ retryAfterSeconds: 120 }));
    const model = analyzer();
    const before = clock.now();
    const error = (await model.analyze(input).catch((caught: unknown) => caught)) as AiSdkUnavailableError;
    expect(error).toBeInstanceOf(AiSdkUnavailableError);
    expect(error.message).toMatch(/asked to wait 120000 ms, more than maxRetryAfterMs \(60000\)/);
    expect(error.resumesAt).toBe(before + 120_000);
    expect(model.suspendedUntil).toBe(error.resumesAt);
    // Meanwhile nothing is sent: calls fail fast.
    const refused = (await model.analyze(input).catch((caught: unknown) => caught)) as AiSdkUnavailableError;
    expect(refused.message).toMatch(/^fakeai\.chat not called: quota exhausted/);
    expect(refused.attempts).toBe(0);
    expect(fake.requests).toHaveLength(1);
    // Once the time has come, calls go through again.
    fake.reply(answerReply(buyAnswer(price)));
    await clock.advance(120_000);
    expect((await model.analyze(input)).action).toBe('buy');
    expect(fake.requests).toHaveLength(2);
  });

  it('a 429 without retry-after suspends the queue with backoff', async () => {
    fake.reply(rateLimited({}));
    const error = (await analyzer({ quotaBackoffBaseMs: 10_000 })
      .analyze(input)
      .catch((caught: unknown) => caught)) as AiSdkUnavailableError;
    expect(error.message).toMatch(/429 without retry-after, 1 in a row\): backing off 5000 ms/);
    expect(error.resumesAt).toBe(clock.now() + 5_000);
    expect(fake.requests).toHaveLength(1);
  });
});

/** The project's limit enforced by the fake, against the analyzer's own shared rate limit. */
describe('the API’s requests-per-minute limit against the analyzer’s shared rate limit', () => {
  let clock: VirtualClock;
  let fake: FakeOpenAiServer;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 0));
    fake = await startFake({ now: () => clock.now(), rateLimit: { requestsPerMinute: 3 } });
    fake.handle(() => answerReply(buyAnswer(price)));
  });
  afterEach(async () => {
    await fake.close();
  });

  function analyzer(requestsPerMinute: number) {
    return createAiSdkAnalyzer({
      model: fakeModel(fake),
      clock,
      random: () => 0,
      timeoutMs: 3_600_000,
      analysisTimeoutMs: 3_600_000,
      requestsPerMinute,
    });
  }

  async function analyzeFive(model: ReturnType<typeof analyzer>) {
    const all = Promise.all(Array.from({ length: 5 }, () => model.analyze(input)));
    return settleOnVirtualTime(clock, all, 1_000, () => model.running === 0);
  }

  it('set to the project’s limit, the analyzer is never refused: the 4th call waits its minute', async () => {
    const model = analyzer(3);
    const signals = await analyzeFive(model);
    expect(signals.map((signal) => signal.action)).toEqual(['buy', 'buy', 'buy', 'buy', 'buy']);
    expect(fake.rateLimited).toBe(0);
    expect(fake.requests).toHaveLength(5);
    expect(fake.requests[3]!.receivedAt - fake.requests[0]!.receivedAt).toBeGreaterThanOrEqual(60_000);
  });

  it('set higher, the API’s 429s are waited out by their retry-after and every call still answers', async () => {
    const model = analyzer(100);
    const signals = await analyzeFive(model);
    expect(signals.every((signal) => signal.action === 'buy')).toBe(true);
    expect(fake.rateLimited).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(5);
    // What the fake served never broke its limit: at most 3 in any 60 s.
    const times = fake.requests.map((request) => request.receivedAt);
    for (const [index, time] of times.entries()) {
      expect(times.filter((other) => other > time - 60_000 && other <= time).length).toBeLessThanOrEqual(3);
      if (index >= 3) expect(time - times[index - 3]!).toBeGreaterThanOrEqual(60_000);
    }
  });
});
