import { signalSchema } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import { answerReply, buyAnswer, fakeModel, startFake } from './test-support';
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
});

async function analyzeReply(reply: ReturnType<typeof answerReply>) {
  fake.requests.length = 0;
  fake.reply(reply);
  const signal = await createAiSdkAnalyzer({ model: fakeModel(fake), maxRetries: 0 }).analyze(input);
  expect(signalSchema.safeParse(signal).success).toBe(true);
  // An answer is never retried, whatever is wrong with it.
  expect(fake.requests).toHaveLength(1);
  return signal;
}

describe('bad model answers become holds with a reason, never a throw', () => {
  it('a truncated answer (finish_reason length)', async () => {
    const cut = JSON.stringify(buyAnswer(price)).slice(0, 40);
    const signal = await analyzeReply(
      answerReply(cut, { finishReason: 'length', usage: { prompt_tokens: 1_000, completion_tokens: 1_024 } }),
    );
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/truncated by the output token limit \(finish reason length\)/);
    // The usage still says what was spent, and what came back.
    expect(signal.usage).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      latencyMs: expect.any(Number),
      inputTokens: 1_000,
      outputTokens: 1_024,
      totalTokens: 2_024,
      rawAnswer: cut,
    });
  });

  it('an answer that fails the schema (a field missing, a wrong type)', async () => {
    const partial = { signal: 'buy', entry_price: price };
    const missing = await analyzeReply(answerReply(partial));
    expect(missing.action).toBe('hold');
    expect(missing.reasoning).toMatch(/invalid model answer: .*confidence/);
    // What the model said and what it cost stay on the hold, for the audit trail.
    expect(missing.usage).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      latencyMs: expect.any(Number),
      inputTokens: 1_210,
      outputTokens: 71,
      rawAnswer: JSON.stringify(partial),
    });

    const wrongType = await analyzeReply(answerReply(buyAnswer(price, { confidence: 'very high' })));
    expect(wrongType.action).toBe('hold');
    expect(wrongType.reasoning).toMatch(/confidence/);
  });

  it('malformed JSON', async () => {
    const signal = await analyzeReply(answerReply('{"signal": "buy", "confidence": 80,'));
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/invalid model answer/);
  });

  it('prices that break the geometry or sit far from the market', async () => {
    const stopAbove = await analyzeReply(answerReply(buyAnswer(price, { stop_loss: price * 1.01 })));
    expect(stopAbove.reasoning).toMatch(/stop loss .* not below entry/);
    const far = price * 1.5;
    const away = await analyzeReply(
      answerReply(buyAnswer(far, { stop_loss: far * 0.99, take_profit: far * 1.01 })),
    );
    expect(away.reasoning).toMatch(/away from the market price/);
  });

  it('a content filter stop, and an empty answer', async () => {
    const filtered = await analyzeReply(answerReply('', { finishReason: 'content_filter' }));
    expect(filtered.reasoning).toMatch(/finish reason content-filter/);
    const empty = await analyzeReply(answerReply(''));
    expect(empty.reasoning).toMatch(/empty answer/);
  });

  it('an answer in a ```json fence or with prose around it is still read', async () => {
    const fenced = await analyzeReply(answerReply(`\`\`\`json\n${JSON.stringify(buyAnswer(price))}\n\`\`\``));
    expect(fenced.action).toBe('buy');
    const prose = await analyzeReply(
      answerReply(`Here is my answer: ${JSON.stringify(buyAnswer(price))} Good luck.`),
    );
    expect(prose.action).toBe('buy');
  });

  it('a size or any field outside the schema never reaches the signal', async () => {
    const signal = await analyzeReply(answerReply(buyAnswer(price, { quantity: 1_000, leverage: 50 })));
    expect(signal.action).toBe('buy');
    expect(Object.keys(signal)).not.toContain('quantity');
    expect(JSON.stringify({ ...signal, usage: undefined })).not.toMatch(/leverage/);
  });
});
