import { ConfigError, signalSchema } from '@trd/core';
import { buildAnalysisPrompt, modelAnswerJsonSchema } from '@trd/core/analysis';
import { createMemoryAnswerCache } from '@trd/core/model-calls';
import { createAnalysisInput } from '@trd/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody } from './testing/gemini-responses';

const input = createAnalysisInput();
const price = input.market.price;

function buyAnswer() {
  return {
    signal: 'buy',
    confidence: 78,
    entry_price: price,
    stop_loss: Number((price * 0.995).toFixed(2)),
    take_profit: Number((price * 1.003).toFixed(2)),
    reasoning: 'RSI recovering from oversold with a MACD cross.',
  };
}

describe('createGeminiAnalyzer', () => {
  let fake: FakeGeminiServer;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends core prompt and schema as structured output, with thinking off, to generateContent', async () => {
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    await analyzer.analyze(input);

    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    const prompt = buildAnalysisPrompt(input);
    expect(request.version).toBe('v1beta');
    expect(request.model).toBe('gemini-2.5-flash');
    expect(request.headers['x-goog-api-key']).toBe(TEST_API_KEY);
    expect(request.body.contents).toEqual([{ role: 'user', parts: [{ text: prompt.user }] }]);
    expect(request.body.systemInstruction?.parts).toEqual([{ text: prompt.system }]);
    expect(request.body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: modelAnswerJsonSchema,
      candidateCount: 1,
      temperature: 0.2,
      maxOutputTokens: 1024,
      thinkingConfig: { thinkingBudget: 0 },
    });
    // The abort signal is transport, not payload; the key travels only in the header.
    expect(JSON.stringify(request.body)).not.toMatch(/abortSignal|AIzaSy/);
  });

  it('uses the model, API version and generation settings it is given', async () => {
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      model: 'gemini-2.5-pro',
      apiVersion: 'v1alpha',
      thinkingBudget: 512,
      temperature: 0,
    });
    expect(analyzer.name).toBe('gemini:gemini-2.5-pro');
    expect(analyzer.specificationVersion).toBe('v1');
    await analyzer.analyze(input);
    const request = fake.requests[0]!;
    expect(request.version).toBe('v1alpha');
    expect(request.model).toBe('gemini-2.5-pro');
    expect(request.body.generationConfig).toMatchObject({
      temperature: 0,
      thinkingConfig: { thinkingBudget: 512 },
      maxOutputTokens: 1024 + 512,
    });
  });

  it('leaves the output limit to the model when thinking is dynamic', async () => {
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      thinkingBudget: -1,
    });
    await analyzer.analyze(input);
    expect(fake.requests[0]!.body.generationConfig?.thinkingConfig).toEqual({ thinkingBudget: -1 });
    expect(fake.requests[0]!.body.generationConfig).not.toHaveProperty('maxOutputTokens');
  });

  it('sends no thinking setting when thinkingBudget is null (models without thinking)', async () => {
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      model: 'gemini-2.0-flash',
      thinkingBudget: null,
    });
    await analyzer.analyze(input);
    expect(fake.requests[0]!.body.generationConfig).not.toHaveProperty('thinkingConfig');
    expect(fake.requests[0]!.body.generationConfig?.maxOutputTokens).toBe(1024);
  });

  it('turns a valid answer into a signal with model, latency, tokens and the raw answer', async () => {
    const answer = buyAnswer();
    fake.reply({
      status: 200,
      body: geminiAnswerBody(answer, {
        usage: { promptTokenCount: 1210, candidatesTokenCount: 71, thoughtsTokenCount: 0 },
      }),
    });
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const signal = await analyzer.analyze(input);

    expect(signalSchema.parse(signal)).toEqual(signal);
    expect(signal).toMatchObject({
      action: 'buy',
      confidence: 78,
      entryPrice: answer.entry_price,
      stopLoss: answer.stop_loss,
      takeProfit: answer.take_profit,
      reasoning: answer.reasoning,
    });
    expect(signal.usage).toMatchObject({
      model: 'gemini-2.5-flash',
      inputTokens: 1210,
      outputTokens: 71,
      totalTokens: 1281,
      rawAnswer: JSON.stringify(answer),
    });
    expect(signal.usage?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(signal.usage?.cached).toBeUndefined();
    expect(signal).not.toHaveProperty('quantity');
  });

  it('parses pretty-printed JSON and a hold with null prices', async () => {
    const hold = {
      signal: 'hold',
      confidence: 40,
      entry_price: null,
      stop_loss: null,
      take_profit: null,
      reasoning: 'No edge.',
    };
    fake.reply({ status: 200, body: geminiAnswerBody(JSON.stringify(hold, null, 2)) });
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const signal = await analyzer.analyze(input);
    expect(signal).toMatchObject({ action: 'hold', confidence: 40, reasoning: 'No edge.' });
    expect(signal.entryPrice).toBeUndefined();
  });

  it('reports the model version that answered', async () => {
    fake.reply({
      status: 200,
      body: geminiAnswerBody(buyAnswer(), { modelVersion: 'gemini-2.5-flash-preview-09-2025' }),
    });
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    expect((await analyzer.analyze(input)).usage?.model).toBe('gemini-2.5-flash-preview-09-2025');
  });

  it('reports the thinking tokens it paid for as output', async () => {
    fake.reply({
      status: 200,
      body: geminiAnswerBody(buyAnswer(), {
        usage: { promptTokenCount: 1000, candidatesTokenCount: 70, thoughtsTokenCount: 430 },
        thoughts: ['**Checking momentum**'],
      }),
    });
    const analyzer = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      thinkingBudget: 512,
    });
    const signal = await analyzer.analyze(input);
    expect(signal.action).toBe('buy');
    expect(signal.usage).toMatchObject({
      outputTokens: 500,
      totalTokens: 1500,
      rawAnswer: JSON.stringify(buyAnswer()),
    });
  });

  it('puts a cost on each signal at the prices it is given, thinking billed as output', async () => {
    const usage = { promptTokenCount: 1210, candidatesTokenCount: 71, thoughtsTokenCount: 29 };
    fake.handle(() => ({ status: 200, body: geminiAnswerBody(buyAnswer(), { usage }) }));
    const store = createMemoryAnswerCache();
    const priced = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      pricing: { inputPerMillionTokens: 0.5, outputPerMillionTokens: 4 },
      cache: { store, mode: 'record-replay' },
    });
    const live = await priced.analyze(input);
    // 1,210 × $0.5 / 1M + (71 + 29) × $4 / 1M
    expect(live.usage).toMatchObject({ inputTokens: 1210, outputTokens: 100, costUsd: 0.001005 });
    expect(signalSchema.parse(live)).toEqual(live);
    // A replay made no call: it costs nothing, and its tokens still say what a call would cost.
    const replayed = await priced.analyze(input);
    expect(replayed.usage).toMatchObject({ cached: true, outputTokens: 100, costUsd: 0 });
    expect(fake.requests).toHaveLength(1);

    // No prices, no cost: the adapter does not guess them.
    const unpriced = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    expect((await unpriced.analyze(input)).usage).not.toHaveProperty('costUsd');
  });

  it('tells the model the entry deviation limit it applies', async () => {
    const strict = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      maxEntryDeviationPercent: 1,
    });
    await strict.analyze(input);
    const system = fake.requests[0]!.body.systemInstruction?.parts?.[0]?.text;
    expect(system).toBe(buildAnalysisPrompt(input, { maxEntryDeviationPercent: 1 }).system);
    expect(system).toContain('within 1% of the current price');
  });

  it('applies the entry deviation limit it is given', async () => {
    const answer = {
      ...buyAnswer(),
      entry_price: price * 1.02,
      stop_loss: price * 1.015,
      take_profit: price * 1.03,
    };
    fake.reply(
      { status: 200, body: geminiAnswerBody(answer) },
      { status: 200, body: geminiAnswerBody(answer) },
    );
    const lenient = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const strict = createGeminiAnalyzer({
      apiKey: TEST_API_KEY,
      baseUrl: fake.baseUrl,
      maxEntryDeviationPercent: 1,
    });
    expect((await lenient.analyze(input)).action).toBe('buy');
    const refused = await strict.analyze(input);
    expect(refused.action).toBe('hold');
    expect(refused.reasoning).toMatch(/away from the market price/);
  });

  it.each([
    [{ apiKey: '' }, /apiKey is required/],
    [{ apiKey: TEST_API_KEY, concurrency: 0 }, /concurrency must be an integer >= 1/],
    [{ apiKey: TEST_API_KEY, requestsPerMinute: 1.5 }, /requestsPerMinute/],
    [{ apiKey: TEST_API_KEY, timeoutMs: -1 }, /timeoutMs/],
    [{ apiKey: TEST_API_KEY, maxRetries: -1 }, /maxRetries/],
    [{ apiKey: TEST_API_KEY, thinkingBudget: -2 }, /thinkingBudget/],
    [{ apiKey: TEST_API_KEY, temperature: 3 }, /temperature/],
    [{ apiKey: TEST_API_KEY, baseUrl: 'localhost:8787' }, /baseUrl must be an http\(s\) URL/],
    [{ apiKey: TEST_API_KEY, model: 'models/../x' }, /model must be/],
    [{ apiKey: TEST_API_KEY, maxEntryDeviationPercent: 0 }, /maxEntryDeviationPercent/],
    [{ apiKey: TEST_API_KEY, pricing: { inputPerMillionTokens: 0.3 } }, /pricing.outputPerMillionTokens/],
    [
      { apiKey: TEST_API_KEY, pricing: { inputPerMillionTokens: -1, outputPerMillionTokens: 2 } },
      /pricing.inputPerMillionTokens/,
    ],
    [{ apiKey: TEST_API_KEY, cache: { store: {}, mode: 'replay' } }, /cache.store/],
    [{ apiKey: TEST_API_KEY, cache: { store: { get() {}, set() {} }, mode: 'sometimes' } }, /cache.mode/],
  ])('refuses bad options with a ConfigError (%#)', (options, message) => {
    expect(() => createGeminiAnalyzer(options as never)).toThrow(ConfigError);
    expect(() => createGeminiAnalyzer(options as never)).toThrow(message);
  });
});
