import { signalSchema } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { loadGeminiFixture } from './test-fixtures';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer } from './testing/fake-gemini-server';
import { geminiAnswerBody } from './testing/gemini-responses';

const input = createAnalysisInput();
const price = input.market.price;
const complete = {
  signal: 'buy',
  confidence: 80,
  entry_price: price,
  stop_loss: price * 0.995,
  take_profit: price * 1.003,
  reasoning: 'Breakout.',
};
const { reasoning: _dropped, ...withoutReasoning } = complete;

/** Each answer the model might give that must never become an order, and the reason expected. */
const badAnswers: Array<[string, unknown, RegExp]> = [
  [
    'malformed JSON',
    geminiAnswerBody('{"signal": "buy", "confidence": 80,'),
    /invalid model answer: malformed JSON/,
  ],
  ['prose instead of JSON', geminiAnswerBody('I would buy here.'), /invalid model answer/],
  ['a missing field', geminiAnswerBody(withoutReasoning), /invalid model answer: reasoning/],
  ['an unknown signal', geminiAnswerBody({ ...complete, signal: 'short' }), /invalid model answer: signal/],
  [
    'confidence out of range',
    geminiAnswerBody({ ...complete, confidence: 140 }),
    /invalid model answer: confidence/,
  ],
  ['a JSON array', geminiAnswerBody('[1,2]'), /not a JSON object/],
  [
    'a stop loss above the entry of a buy',
    geminiAnswerBody({ ...complete, stop_loss: price * 1.01 }),
    /invalid signal: stop loss .* is not below entry/,
  ],
  [
    'a take profit below the entry of a buy',
    geminiAnswerBody({ ...complete, take_profit: price * 0.99 }),
    /invalid signal: take profit .* is not above entry/,
  ],
  ['a negative price', geminiAnswerBody({ ...complete, stop_loss: -5 }), /invalid signal: stop loss -5/],
  [
    'an entry far from the market',
    geminiAnswerBody({
      ...complete,
      entry_price: price * 2,
      stop_loss: price * 1.9,
      take_profit: price * 2.1,
    }),
    /away from the market price/,
  ],
  ['a buy without prices', geminiAnswerBody({ ...complete, entry_price: null }), /a buy needs entry price/],
  [
    'a blocked prompt (recorded)',
    loadGeminiFixture('unary-failure-prompt-blocked-safety'),
    /prompt blocked .*SAFETY/,
  ],
  [
    'a safety stop (recorded)',
    loadGeminiFixture('unary-failure-finish-reason-safety'),
    /finishReason SAFETY/,
  ],
  ['empty content (recorded)', loadGeminiFixture('unary-failure-empty-content'), /empty answer/],
  [
    'thinking ate the token limit (recorded)',
    loadGeminiFixture('recorded-max-tokens-no-parts'),
    /MAX_TOKENS/,
  ],
  ['a truncated answer (recorded)', loadGeminiFixture('recorded-max-tokens-truncated'), /MAX_TOKENS/],
  [
    'an answer to another schema (recorded)',
    loadGeminiFixture('recorded-json-schema-answer'),
    /invalid model answer: signal/,
  ],
  [
    'a truncated complete-looking JSON',
    geminiAnswerBody(complete, { finishReason: 'MAX_TOKENS' }),
    /MAX_TOKENS/,
  ],
  [
    'a recitation stop',
    geminiAnswerBody(complete, { finishReason: 'RECITATION' }),
    /finishReason RECITATION/,
  ],
  ['an OTHER stop', geminiAnswerBody(complete, { finishReason: 'OTHER' }), /finishReason OTHER/],
  [
    'no candidates',
    { candidates: [], usageMetadata: { promptTokenCount: 900, totalTokenCount: 900 } },
    /no candidate/,
  ],
];

describe('Gemini answers that cannot be used become holds', () => {
  let fake: FakeGeminiServer;
  beforeAll(async () => {
    fake = await startFake();
  });
  afterAll(async () => {
    await fake.close();
  });

  it.each(badAnswers)('%s', async (_name, body, reason) => {
    fake.reply({ status: 200, body });
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const signal = await analyzer.analyze(input);
    expect(signal.action).toBe('hold');
    expect(signal.confidence).toBe(0);
    expect(signal.reasoning).toMatch(reason);
    expect(signal.entryPrice).toBeUndefined();
    expect(signal.stopLoss).toBeUndefined();
    expect(signal.takeProfit).toBeUndefined();
    expect(signalSchema.safeParse(signal).success).toBe(true);
    // The call was made and paid for: the audit trail still gets its usage.
    expect(signal.usage?.model).toMatch(/^gemini/);
  });

  it('keeps the raw answer and tokens of a refused answer for the audit trail', async () => {
    fake.reply({
      status: 200,
      body: geminiAnswerBody('{"signal": "buy",', {
        usage: { promptTokenCount: 950, candidatesTokenCount: 6 },
      }),
    });
    const analyzer = createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl });
    const signal = await analyzer.analyze(input);
    expect(signal.usage).toMatchObject({
      rawAnswer: '{"signal": "buy",',
      inputTokens: 950,
      outputTokens: 6,
      totalTokens: 956,
    });
  });
});
