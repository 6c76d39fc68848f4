import { ModelUnavailableError, VirtualClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeminiUnavailableError } from './gemini-api-error';
import { createGeminiAnalyzer, type GeminiAnalyzerOptions } from './index';
import { settleOnVirtualTime, startFake, TEST_API_KEY } from './test-support';
import { type FakeGeminiServer, startFakeGeminiServer } from './testing/fake-gemini-server';
import {
  geminiAnswerBody,
  geminiDailyQuotaExceededBody,
  geminiQuotaExceededBody,
  geminiResourceExhaustedBody,
} from './testing/gemini-responses';

const inputs = Array.from({ length: 4 }, (_, index) => createAnalysisInput({ userId: `user-${index}` }));
const hold = {
  signal: 'hold',
  confidence: 30,
  entry_price: null,
  stop_loss: null,
  take_profit: null,
  reasoning: 'Flat.',
};
const ok = { status: 200, body: geminiAnswerBody(hold) };
/** 2025-07-01 14:00 UTC = 07:00 PDT; the daily quota resets at 2025-07-02 07:00 UTC. */
const START = Date.UTC(2025, 6, 1, 14);
const PACIFIC_MIDNIGHT = Date.UTC(2025, 6, 2, 7);

async function failure(promise: Promise<unknown>): Promise<GeminiUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GeminiUnavailableError);
  expect(error).toBeInstanceOf(ModelUnavailableError);
  return error as GeminiUnavailableError;
}

describe('a spent quota suspends the shared queue: calls fail fast, then resume', () => {
  let clock: VirtualClock;
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    clock = new VirtualClock(START);
    fake = await startFake(() => clock.now());
  });
  afterEach(async () => {
    await fake.close();
  });

  function analyzer(options: Partial<GeminiAnalyzerOptions> = {}) {
    return createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      random: () => 0,
      concurrency: 1,
      requestsPerMinute: 1_000,
      ...options,
    });
  }

  it('a daily-quota 429 suspends everyone until midnight Pacific, even when it carries a short RetryInfo', async () => {
    fake.reply({ status: 429, body: geminiDailyQuotaExceededBody({ retryDelay: '22s' }) });
    fake.handle(() => ok);
    const gemini = analyzer();
    const [first, ...queued] = inputs.map((input) => gemini.analyze(input));
    const error = await failure(first!);
    expect(error).toMatchObject({
      httpStatus: 429,
      rpcStatus: 'RESOURCE_EXHAUSTED',
      attempts: 1,
      resumesAt: PACIFIC_MIDNIGHT,
      isRetryable: true,
    });
    expect(error.message).toMatch(
      /daily quota GenerateRequestsPerDayPerProjectPerModel-FreeTier spent; per-day quotas reset at midnight America\/Los_Angeles; queue suspended until 2025-07-02T07:00:00.000Z/,
    );
    // The calls queued behind it are answered at once, without a request.
    for (const call of queued) {
      const refused = await failure(call);
      expect(refused).toMatchObject({ attempts: 0, resumesAt: PACIFIC_MIDNIGHT, httpStatus: 429 });
      expect(refused.retryAfterMs).toBe(PACIFIC_MIDNIGHT - START);
      expect(refused.message).toMatch(/^Gemini not called: daily quota/);
    }
    expect(gemini.suspendedUntil).toBe(PACIFIC_MIDNIGHT);

    // Later calls too, until the reset; not one reaches the service.
    await clock.advance(8 * 3_600_000);
    await failure(gemini.analyze(inputs[0]!));
    expect(fake.requests).toHaveLength(1);

    await clock.advance(PACIFIC_MIDNIGHT - clock.now());
    expect(gemini.suspendedUntil).toBeUndefined();
    const signal = await gemini.analyze(inputs[0]!);
    expect(signal.reasoning).toBe('Flat.');
    expect(fake.requests).toHaveLength(2);
  });

  it('a 429 without RetryInfo suspends with a backoff that doubles while they repeat and resets on an answer', async () => {
    fake.reply(
      { status: 429, body: geminiResourceExhaustedBody() },
      { status: 429, body: geminiQuotaExceededBody() }, // per-minute, no RetryInfo
      ok,
      { status: 429, body: geminiResourceExhaustedBody() },
    );
    const gemini = analyzer({ quotaBackoffBaseMs: 10_000 });

    const first = await failure(gemini.analyze(inputs[0]!));
    // Equal jitter pinned at 0: half of 10 s.
    expect(first.resumesAt).toBe(START + 5_000);
    expect(first.message).toMatch(/429 without RetryInfo, 1 in a row\): backing off 5000 ms/);
    const refused = await failure(gemini.analyze(inputs[1]!));
    expect(refused).toMatchObject({ attempts: 0, resumesAt: START + 5_000, retryAfterMs: 5_000 });
    expect(fake.requests).toHaveLength(1);

    await clock.advance(5_000);
    const second = await failure(gemini.analyze(inputs[1]!));
    expect(second.resumesAt).toBe(clock.now() + 10_000);

    await clock.advance(10_000);
    expect((await gemini.analyze(inputs[2]!)).action).toBe('hold');

    const afterAnswer = await failure(gemini.analyze(inputs[3]!));
    expect(afterAnswer.resumesAt).toBe(clock.now() + 5_000);
    expect(fake.requests).toHaveLength(4);
  });

  it('caps the backoff at quotaBackoffMaxMs', async () => {
    fake.handle(() => ({ status: 429, body: geminiResourceExhaustedBody() }));
    const gemini = analyzer({ quotaBackoffBaseMs: 10_000, quotaBackoffMaxMs: 30_000, random: () => 0.999 });
    const pauses: number[] = [];
    for (let index = 0; index < 5; index++) {
      const error = await failure(gemini.analyze(inputs[0]!));
      pauses.push(error.resumesAt! - clock.now());
      await clock.advance(error.resumesAt! - clock.now());
    }
    expect(pauses.map((pause) => Math.round(pause / 1_000))).toEqual([10, 20, 30, 30, 30]);
  });

  it('a RetryInfo longer than maxRetryAfterMs fails the call and suspends the queue for that long', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('3600s') });
    const gemini = analyzer();
    const error = await failure(gemini.analyze(inputs[0]!));
    expect(error).toMatchObject({ retryAfterMs: 3_600_000, resumesAt: START + 3_600_000, attempts: 1 });
    const refused = await failure(gemini.analyze(inputs[1]!));
    expect(refused.resumesAt).toBe(START + 3_600_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('a RetryInfo within maxRetryAfterMs still pauses (queued calls wait and succeed), never suspends', async () => {
    fake.reply({ status: 429, body: geminiQuotaExceededBody('5s') });
    fake.handle(() => ok);
    const gemini = analyzer();
    const signals = await settleOnVirtualTime(
      clock,
      Promise.all(inputs.slice(0, 3).map((input) => gemini.analyze(input))),
      250,
      () => gemini.running === 0,
    );
    expect(signals.map((signal) => signal.action)).toEqual(['hold', 'hold', 'hold']);
    expect(gemini.suspendedUntil).toBeUndefined();
    const later = fake.requests.slice(1).map((request) => request.receivedAt - START);
    for (const time of later) expect(time).toBeGreaterThanOrEqual(5_000);
  });
});

describe('the fake enforces Gemini quotas with the documented 429 shapes', () => {
  let clock: VirtualClock;
  let fake: FakeGeminiServer;
  afterEach(async () => {
    await fake.close();
  });

  it('refuses past requestsPerDay with a per-day QuotaFailure; the analyzer then stops sending until the reset', async () => {
    clock = new VirtualClock(START);
    fake = await startFakeGeminiServer({
      apiKey: TEST_API_KEY,
      now: () => clock.now(),
      quota: { requestsPerDay: 2 },
    });
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      concurrency: 1,
    });
    await gemini.analyze(inputs[0]!);
    await gemini.analyze(inputs[1]!);
    const error = await failure(gemini.analyze(inputs[2]!));
    expect(error.resumesAt).toBe(PACIFIC_MIDNIGHT);
    await failure(gemini.analyze(inputs[3]!));
    expect(fake.quotaRefusals).toEqual({ minute: 0, day: 1 });
    expect(fake.requests).toHaveLength(3);

    await clock.advance(PACIFIC_MIDNIGHT - clock.now());
    await gemini.analyze(inputs[3]!);
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses past requestsPerMinute with RetryInfo to the next minute, which the analyzer waits out', async () => {
    clock = new VirtualClock(START + 50_000); // 10 s before the minute turns
    fake = await startFakeGeminiServer({
      apiKey: TEST_API_KEY,
      now: () => clock.now(),
      quota: { requestsPerMinute: 1 },
    });
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      concurrency: 1,
      random: () => 0,
    });
    await gemini.analyze(inputs[0]!);
    const second = await settleOnVirtualTime(
      clock,
      gemini.analyze(inputs[1]!),
      250,
      () => gemini.running === 0,
    );
    expect(second.action).toBe('hold');
    expect(fake.quotaRefusals).toEqual({ minute: 1, day: 0 });
    expect(fake.requests.at(-1)!.receivedAt).toBeGreaterThanOrEqual(START + 60_000);
  });
});
