import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, VirtualClock } from '@trd/core';
import type { AnswerCache, CachedAnswer } from '@trd/core/model-calls';
import { createJsonFileAnswerCache, createMemoryAnswerCache } from '@trd/core/model-calls';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeminiUnavailableError } from './gemini-api-error';
import { createGeminiAnalyzer, type GeminiAnalyzerOptions } from './index';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody } from './testing/gemini-responses';

const input = createAnalysisInput();
const otherInput = createAnalysisInput({ endIndex: 150 });
const price = input.market.price;
const buy = {
  signal: 'buy',
  confidence: 81,
  entry_price: price,
  stop_loss: price * 0.995,
  take_profit: price * 1.003,
  reasoning: 'Recorded answer.',
};
const usage = { promptTokenCount: 1100, candidatesTokenCount: 60 };

describe('record/replay cache', () => {
  let fake: FakeGeminiServer;
  const clock = new VirtualClock(Date.UTC(2024, 8, 21, 9, 30));
  beforeEach(async () => {
    fake = await startFake();
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(buy, { usage }) }));
  });
  afterEach(async () => {
    await fake.close();
  });

  function analyzer(cache: GeminiAnalyzerOptions['cache'], options: Partial<GeminiAnalyzerOptions> = {}) {
    return createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, clock, cache, ...options });
  }

  it('record-replay calls once per prompt, then answers from the cache without a call', async () => {
    const store = createMemoryAnswerCache();
    const gemini = analyzer({ store, mode: 'record-replay' });
    const live = await gemini.analyze(input);
    expect(fake.requests).toHaveLength(1);
    expect(store.size).toBe(1);

    const replayed = await gemini.analyze(input);
    expect(fake.requests).toHaveLength(1);
    expect(replayed).toEqual({
      ...live,
      usage: { ...live.usage, latencyMs: 0, cached: true },
    });
    expect(replayed.usage).toMatchObject({
      inputTokens: 1100,
      outputTokens: 60,
      rawAnswer: JSON.stringify(buy),
    });

    await gemini.analyze(otherInput);
    expect(fake.requests).toHaveLength(2);
    expect(store.size).toBe(2);
  });

  it('replay never calls the model, and a miss is a hold that says so', async () => {
    const store = createMemoryAnswerCache();
    await analyzer({ store, mode: 'record' }).analyze(input);
    expect(fake.requests).toHaveLength(1);

    const replay = analyzer({ store, mode: 'replay' });
    expect((await replay.analyze(input)).action).toBe('buy');
    const miss = await replay.analyze(otherInput);
    expect(miss.action).toBe('hold');
    expect(miss.reasoning).toMatch(/^no recorded answer for this prompt \(replay mode, key [0-9a-f]{64}\)$/);
    expect(fake.requests).toHaveLength(1);
  });

  it('replay with replayMiss "error" throws instead, still without a call', async () => {
    const replay = analyzer({ store: createMemoryAnswerCache(), mode: 'replay', replayMiss: 'error' });
    const error = await replay.analyze(input).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeminiUnavailableError);
    expect((error as Error).message).toMatch(/not called: no recorded answer/);
    expect(fake.requests).toHaveLength(0);
  });

  it('record calls every time and keeps the latest answer', async () => {
    const store = createMemoryAnswerCache();
    const recorder = analyzer({ store, mode: 'record' });
    await recorder.analyze(input);
    fake.reply({
      status: 200,
      body: geminiAnswerBody({
        ...buy,
        signal: 'hold',
        entry_price: null,
        stop_loss: null,
        take_profit: null,
      }),
    });
    await recorder.analyze(input);
    expect(fake.requests).toHaveLength(2);
    expect((await analyzer({ store, mode: 'replay' }).analyze(input)).action).toBe('hold');
  });

  it('re-checks a replayed answer: it is never trusted more than a live one', async () => {
    const memory = createMemoryAnswerCache();
    let recorded: CachedAnswer | undefined;
    const store: AnswerCache = {
      get: (key) => memory.get(key),
      set: async (key, answer) => {
        recorded = answer;
        await memory.set(key, answer);
      },
    };
    const offMarket = {
      ...buy,
      entry_price: price * 1.02,
      stop_loss: price * 1.015,
      take_profit: price * 1.03,
    };
    fake.reply({ status: 200, body: geminiAnswerBody(offMarket) });
    expect((await analyzer({ store, mode: 'record' }).analyze(input)).action).toBe('buy');
    // A stricter limit is written into the prompt, so it has its own key: the old answer is not replayed.
    const strict = { maxEntryDeviationPercent: 1 };
    const miss = await analyzer({ store, mode: 'replay' }, strict).analyze(input);
    expect(miss.reasoning).toMatch(/no recorded answer for this prompt/);
    // The same recorded answer, served whatever the key (an outdated or hand-edited cache), is refused.
    const anyKey: AnswerCache = { get: async () => recorded, set: async () => undefined };
    const replayed = await analyzer({ store: anyKey, mode: 'replay' }, strict).analyze(input);
    expect(fake.requests).toHaveLength(1);
    expect(replayed.action).toBe('hold');
    expect(replayed.reasoning).toMatch(/away from the market price/);
    expect(replayed.usage).toMatchObject({ cached: true, rawAnswer: JSON.stringify(offMarket) });
  });

  it('keys answers by model and generation settings too', async () => {
    const store = createMemoryAnswerCache();
    await analyzer({ store, mode: 'record-replay' }).analyze(input);
    await analyzer({ store, mode: 'record-replay' }, { model: 'gemini-2.5-pro' }).analyze(input);
    await analyzer({ store, mode: 'record-replay' }, { thinkingBudget: 256 }).analyze(input);
    expect(fake.requests).toHaveLength(3);
    expect(store.size).toBe(3);
  });

  it('a JSON file recorded in one run replays in the next with no call', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trd-gemini-replay-'));
    try {
      const path = join(directory, 'answers.json');
      await analyzer({ store: createJsonFileAnswerCache(path), mode: 'record' }).analyze(input);
      const file = JSON.parse(await readFile(path, 'utf8'));
      const [entry] = Object.values(file.answers) as Array<Record<string, unknown>>;
      expect(entry).toMatchObject({ model: 'gemini-2.5-flash', recordedAt: clock.now() });
      expect(await readFile(path, 'utf8')).not.toContain(TEST_API_KEY);

      const requestsBefore = fake.requests.length;
      const replayed = await analyzer({ store: createJsonFileAnswerCache(path), mode: 'replay' }).analyze(
        input,
      );
      expect(fake.requests.length).toBe(requestsBefore);
      expect(replayed).toMatchObject({ action: 'buy', confidence: 81, usage: { cached: true } });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('throws a ConfigError rather than carry on unrecorded when the cache cannot be written', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trd-gemini-unwritable-'));
    try {
      await writeFile(join(directory, 'not-a-folder'), 'x');
      const store = createJsonFileAnswerCache(join(directory, 'not-a-folder', 'answers.json'));
      const error = await analyzer({ store, mode: 'record' })
        .analyze(input)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/could not record the Gemini answer/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('does not record failures', async () => {
    const store = createMemoryAnswerCache();
    fake.reply({ status: 400, body: { error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } } });
    await expect(analyzer({ store, mode: 'record-replay' }).analyze(input)).rejects.toBeInstanceOf(
      GeminiUnavailableError,
    );
    expect(store.size).toBe(0);
  });
});
