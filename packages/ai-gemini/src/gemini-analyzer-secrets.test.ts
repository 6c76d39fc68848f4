import { inspect } from 'node:util';
import { VirtualClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { settleOnVirtualTime, startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiInvalidArgumentBody } from './testing/gemini-responses';

const input = createAnalysisInput();

/** Everything an error could leak through: message, stack, cause chain, own properties. */
function everything(value: unknown): string {
  return `${inspect(value, { depth: 10, showHidden: true })} ${JSON.stringify(value) ?? ''}`;
}

describe('the API key never leaks', () => {
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.close();
    vi.restoreAllMocks();
  });

  it('is not readable from the analyzer', () => {
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    expect(everything(analyzer)).not.toContain(TEST_API_KEY);
    expect(Object.values(analyzer).map(String).join(' ')).not.toContain(TEST_API_KEY);
  });

  it('is removed from errors even when the service echoes it', async () => {
    fake.handle(() => ({
      status: 400,
      body: geminiInvalidArgumentBody(`Request with key ${TEST_API_KEY} is malformed`),
    }));
    const error = await createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl })
      .analyze(input)
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('[redacted]');
    expect(everything(error)).not.toContain(TEST_API_KEY);
  });

  it('is removed from the error after retries are exhausted', async () => {
    const clock = new VirtualClock(0);
    fake.handle(() => ({
      status: 500,
      body: { error: { code: 500, message: `internal (${TEST_API_KEY})`, status: 'INTERNAL' } },
    }));
    const gemini = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      maxRetries: 2,
    });
    const error = await settleOnVirtualTime(
      clock,
      gemini.analyze(input),
      100,
      () => gemini.running === 0,
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/after 3 attempts/);
    expect(everything(error)).not.toContain(TEST_API_KEY);
  });

  it('is not in the AuthenticationError of a rejected key, nor in anything logged', async () => {
    const logged: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(...args);
      });
    }
    const wrongKey = 'AIzaSyWRONG-key-that-must-stay-secret';
    const error = await createGeminiAnalyzer({ apiKey: wrongKey, baseUrl: fake.baseUrl })
      .analyze(input)
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AuthenticationError');
    expect(everything(error)).not.toContain(wrongKey);
    expect(everything(logged)).not.toContain(wrongKey);
  });

  it('is not quoted by option errors', () => {
    expect(() => createGeminiAnalyzer({ apiKey: TEST_API_KEY, concurrency: -1 })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(TEST_API_KEY) }),
    );
  });
});
