import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonFileAnswerCache, createMemoryAnswerCache } from '@trd/core/model-calls';
import { createAnalysisInput } from '@trd/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import type { AiSdkAnalyzerOptions } from './ai-sdk-analyzer-options';
import { AiSdkUnavailableError } from './ai-sdk-error';
import { answerReply, buyAnswer, fakeModel, startFake } from './test-support';
import type { FakeOpenAiServer } from './testing/fake-openai-server';

let fake: FakeOpenAiServer;
const input = createAnalysisInput();
const price = input.market.price;
const pricing = { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 };

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function analyzer(cache: AiSdkAnalyzerOptions['cache'], options: Partial<AiSdkAnalyzerOptions> = {}) {
  return createAiSdkAnalyzer({ model: fakeModel(fake), cache, pricing, ...options });
}

describe('record/replay through core’s answer cache', () => {
  it('replays a recorded answer without a call, through the same checks, cost 0', async () => {
    const store = createMemoryAnswerCache();
    fake.reply(answerReply(buyAnswer(price)));
    const live = await analyzer({ store, mode: 'record-replay' }).analyze(input);
    const replayed = await analyzer({ store, mode: 'replay' }).analyze(input);

    expect(fake.requests).toHaveLength(1);
    expect(store.size).toBe(1);
    expect({ ...replayed, usage: undefined }).toEqual({ ...live, usage: undefined });
    expect(replayed.usage).toEqual({
      ...live.usage,
      latencyMs: 0,
      costUsd: 0,
      cached: true,
    });
    expect(live.usage?.costUsd).toBeGreaterThan(0);
  });

  it('a replay miss is a hold, or an error with replayMiss: error, and sends nothing', async () => {
    const hold = await analyzer({ store: createMemoryAnswerCache(), mode: 'replay' }).analyze(input);
    expect(hold.action).toBe('hold');
    expect(hold.reasoning).toMatch(/^no recorded answer for this prompt \(replay mode, key [0-9a-f]{64}\)$/);
    await expect(
      analyzer({ store: createMemoryAnswerCache(), mode: 'replay', replayMiss: 'error' }).analyze(input),
    ).rejects.toThrow(AiSdkUnavailableError);
    expect(fake.requests).toHaveLength(0);
  });

  it('the key changes with the model and the generation settings', async () => {
    const store = createMemoryAnswerCache();
    fake.handle(() => answerReply(buyAnswer(price)));
    await analyzer({ store, mode: 'record-replay' }).analyze(input);
    await analyzer({ store, mode: 'record-replay' }, { model: fakeModel(fake, 'gpt-4.1-mini') }).analyze(
      input,
    );
    await analyzer({ store, mode: 'record-replay' }, { temperature: 0 }).analyze(input);
    await analyzer({ store, mode: 'record-replay' }, { maxOutputTokens: 512 }).analyze(input);
    await analyzer({ store, mode: 'record-replay' }).analyze(input);
    fake.handle(undefined);
    expect(store.size).toBe(4);
    expect(fake.requests).toHaveLength(4);
  });

  it('a JSON file makes a backtest re-run without the model', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'trd-ai-sdk-cache-'));
    try {
      const path = join(directory, 'answers.json');
      fake.reply(answerReply(buyAnswer(price)));
      const recorded = await analyzer({ store: createJsonFileAnswerCache(path), mode: 'record' }).analyze(
        input,
      );
      const file = JSON.parse(await readFile(path, 'utf8'));
      const [entry] = Object.values(file.answers) as Array<{ model: string; response: { text: string } }>;
      expect(entry?.model).toBe('fakeai.chat:gpt-4o-mini');
      expect(entry?.response.text).toBe(JSON.stringify(buyAnswer(price)));

      const replayed = await analyzer({ store: createJsonFileAnswerCache(path), mode: 'replay' }).analyze(
        input,
      );
      expect(replayed.action).toBe(recorded.action);
      expect(replayed.entryPrice).toBe(recorded.entryPrice);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('a truncated answer is recorded and replays as the same hold; failures are never recorded', async () => {
    const store = createMemoryAnswerCache();
    fake.reply(answerReply('{"signal":"bu', { finishReason: 'length' }));
    const live = await analyzer({ store, mode: 'record' }).analyze(input);
    const replayed = await analyzer({ store, mode: 'replay' }).analyze(input);
    expect(replayed.reasoning).toBe(live.reasoning);

    const empty = createMemoryAnswerCache();
    fake.reply({
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } },
    });
    await expect(analyzer({ store: empty, mode: 'record' }).analyze(input)).rejects.toThrow(
      /refused the request/,
    );
    expect(empty.size).toBe(0);
  });
});
