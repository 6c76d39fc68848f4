import { createOpenAI } from '@ai-sdk/openai';
import { ConfigError, signalSchema } from '@trd/core';
import { buildAnalysisPrompt, modelAnswerJsonSchema } from '@trd/core/analysis';
import { createAnalysisInput } from '@trd/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import { answerReply, buyAnswer, fakeModel, startFake, TEST_API_KEY } from './test-support';
import type { FakeOpenAiServer } from './testing/fake-openai-server';

let fake: FakeOpenAiServer;
const input = createAnalysisInput();
const price = input.market.price;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.handle(undefined);
});

describe('createAiSdkAnalyzer through @ai-sdk/openai-compatible', () => {
  it('sends core’s prompt and core’s JSON schema as an OpenAI json_schema response format', async () => {
    fake.reply(answerReply(buyAnswer(price)));
    await createAiSdkAnalyzer({ model: fakeModel(fake) }).analyze(input);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    const prompt = buildAnalysisPrompt(input);
    expect(request?.model).toBe('gpt-4o-mini');
    expect(request?.system).toBe(prompt.system);
    expect(request?.user).toBe(prompt.user);
    expect(request?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'trade_signal', schema: modelAnswerJsonSchema, strict: true },
    });
    expect(request?.body.temperature).toBe(0.2);
    expect(request?.body.max_tokens).toBe(1_024);
    expect(request?.body.stream).toBeFalsy();
  });

  it('returns the sanitized signal with the usage: model version, latency, tokens, raw answer', async () => {
    const answer = buyAnswer(price);
    fake.reply(answerReply(answer, { usage: { prompt_tokens: 900, completion_tokens: 60 } }));
    const signal = await createAiSdkAnalyzer({ model: fakeModel(fake) }).analyze(input);

    expect(signalSchema.safeParse(signal).success).toBe(true);
    expect(signal).toMatchObject({
      action: 'buy',
      confidence: 78,
      entryPrice: price,
      stopLoss: answer.stop_loss,
      takeProfit: answer.take_profit,
    });
    expect(signal.usage).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      latencyMs: expect.any(Number),
      inputTokens: 900,
      outputTokens: 60,
      totalTokens: 960,
      rawAnswer: JSON.stringify(answer),
    });
  });

  it('prices each signal from the pricing table, reasoning tokens billed as output', async () => {
    fake.reply(
      answerReply(buyAnswer(price), {
        usage: {
          prompt_tokens: 1_000,
          completion_tokens: 100,
          completion_tokens_details: { reasoning_tokens: 40 },
        },
      }),
    );
    const signal = await createAiSdkAnalyzer({
      model: fakeModel(fake),
      pricing: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 },
    }).analyze(input);
    expect(signal.usage?.outputTokens).toBe(100);
    expect(signal.usage?.costUsd).toBe(0.00021);
  });

  it('passes the generation settings and the entry limit it is checked against', async () => {
    fake.reply(answerReply(buyAnswer(price)));
    await createAiSdkAnalyzer({
      model: fakeModel(fake),
      temperature: 0,
      maxOutputTokens: 300,
      maxEntryDeviationPercent: 2,
    }).analyze(input);
    const [request] = fake.requests;
    expect(request?.body.temperature).toBe(0);
    expect(request?.body.max_tokens).toBe(300);
    expect(request?.system).toBe(buildAnalysisPrompt(input, { maxEntryDeviationPercent: 2 }).system);
  });

  it('sends no temperature when told null', async () => {
    fake.reply(answerReply(buyAnswer(price)));
    await createAiSdkAnalyzer({ model: fakeModel(fake), temperature: null }).analyze(input);
    expect(fake.requests[0]?.body).not.toHaveProperty('temperature');
  });

  it('works the same through @ai-sdk/openai’s chat model pointed at the fake', async () => {
    const openai = createOpenAI({ baseURL: fake.baseUrl, apiKey: TEST_API_KEY });
    fake.reply(answerReply(buyAnswer(price)));
    const signal = await createAiSdkAnalyzer({ model: openai.chat('gpt-4o-mini') }).analyze(input);
    expect(signal.action).toBe('buy');
    expect(signal.usage?.model).toBe('gpt-4o-mini-2024-07-18');
    const [request] = fake.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(request?.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'trade_signal', schema: modelAnswerJsonSchema, strict: true },
    });
  });

  it('is named after the provider and model, and shows its queue', () => {
    const analyzer = createAiSdkAnalyzer({ model: fakeModel(fake, 'llama3.1') });
    expect(analyzer.specificationVersion).toBe('v1');
    expect(analyzer.name).toBe('ai-sdk:fakeai.chat:llama3.1');
    expect(analyzer.model).toBe('fakeai.chat:llama3.1');
    expect([analyzer.queued, analyzer.running, analyzer.suspendedUntil]).toEqual([0, 0, undefined]);
  });
});

describe('createAiSdkAnalyzer options', () => {
  it('refuses a model id string (it would go to the AI Gateway) and a missing model', () => {
    expect(() => createAiSdkAnalyzer({ model: 'openai/gpt-4o' as never })).toThrow(ConfigError);
    expect(() => createAiSdkAnalyzer({ model: 'openai/gpt-4o' as never })).toThrow(/AI Gateway/);
    expect(() => createAiSdkAnalyzer({} as never)).toThrow(/model is required/);
  });

  it('refuses, when created, a model from a provider made for another ai major', () => {
    const model = fakeModel(fake);
    const fromTheFuture = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
      specificationVersion: 'v4',
    }) as never;
    expect(() => createAiSdkAnalyzer({ model: fromTheFuture })).toThrow(ConfigError);
    expect(() => createAiSdkAnalyzer({ model: fromTheFuture })).toThrow(
      /specification v4, but this package runs on ai 6, which takes v3 or v2/,
    );
  });

  it.each([
    [{ temperature: 3 }, /temperature/],
    [{ maxOutputTokens: 0 }, /maxOutputTokens must be an integer >= 1/],
    [{ maxRetries: -1 }, /maxRetries/],
    [{ cache: { store: {}, mode: 'record' } }, /cache.store/],
    [{ pricing: { inputPerMillionTokens: 1 } }, /pricing.outputPerMillionTokens/],
  ])('refuses %o with a ConfigError', (bad, message) => {
    expect(() => createAiSdkAnalyzer({ model: fakeModel(fake), ...(bad as object) })).toThrow(message);
  });
});
