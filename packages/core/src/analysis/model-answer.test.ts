import { describe, expect, it } from 'vitest';
import { signalSchema } from '../domain/signal';
import { createAnalysisInput } from '../testing/fixtures';
import { modelAnswerJsonSchema, modelAnswerSchema, parseModelAnswer } from './model-answer';

const input = createAnalysisInput({ fixture: 'btcusdt-1m-2024-09-21', endIndex: 600 });
const price = input.market.price;
const usage = {
  model: 'gemini-2.5-flash',
  latencyMs: 850,
  inputTokens: 700,
  outputTokens: 60,
  totalTokens: 760,
};

function answer(fields: Record<string, unknown>): string {
  return JSON.stringify({
    signal: 'buy',
    confidence: 72,
    entry_price: price,
    stop_loss: price * 0.995,
    take_profit: price * 1.003,
    reasoning: 'RSI oversold and MACD turning up',
    ...fields,
  });
}

describe('parseModelAnswer', () => {
  it('turns a valid answer into a signal with the usage attached', () => {
    const signal = parseModelAnswer(answer({}), input, usage);
    expect(signal).toEqual({
      action: 'buy',
      confidence: 72,
      entryPrice: price,
      stopLoss: price * 0.995,
      takeProfit: price * 1.003,
      reasoning: 'RSI oversold and MACD turning up',
      usage,
    });
    expect(signalSchema.safeParse(signal).success).toBe(true);
  });

  it('reads an answer inside a ```json fence, or wrapped in prose', () => {
    expect(parseModelAnswer(`\`\`\`json\n${answer({})}\n\`\`\``, input).action).toBe('buy');
    expect(parseModelAnswer(`\`\`\`\n${answer({ signal: 'hold' })}\n\`\`\``, input).action).toBe('hold');
    expect(parseModelAnswer(`Here is my analysis: ${answer({})} Good luck.`, input).action).toBe('buy');
  });

  it('reads the action case-insensitively', () => {
    expect(parseModelAnswer(answer({ signal: 'BUY' }), input).action).toBe('buy');
    expect(parseModelAnswer(answer({ signal: ' Hold ' }), input).action).toBe('hold');
  });

  it('holds on malformed JSON, saying so', () => {
    const signal = parseModelAnswer('{"signal": "buy", "confidence": 80, ', input, usage);
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/^invalid model answer: malformed JSON/);
    expect(signal.usage).toEqual(usage);
  });

  it('holds on an empty answer or one that is not an object', () => {
    expect(parseModelAnswer('', input).reasoning).toMatch(/the answer is empty/);
    expect(parseModelAnswer('   ', input).reasoning).toMatch(/the answer is empty/);
    expect(parseModelAnswer('[1, 2]', input).reasoning).toMatch(/not a JSON object/);
    expect(parseModelAnswer(undefined as unknown as string, input).reasoning).toMatch(/empty/);
  });

  it('holds on missing fields and wrong types, naming each field', () => {
    const missing = parseModelAnswer(JSON.stringify({ signal: 'buy', entry_price: price }), input);
    expect(missing.action).toBe('hold');
    expect(missing.reasoning).toMatch(/confidence: /);
    expect(missing.reasoning).toMatch(/reasoning: /);

    const wrong = parseModelAnswer(answer({ confidence: 'high', signal: 'strong buy' }), input);
    expect(wrong.action).toBe('hold');
    expect(wrong.reasoning).toMatch(/signal: /);
    expect(wrong.reasoning).toMatch(/confidence: .*expected number/);

    expect(parseModelAnswer(answer({ confidence: 140 }), input).reasoning).toMatch(/confidence: /);
  });

  it('holds when the stop loss of a buy is above the entry', () => {
    const signal = parseModelAnswer(answer({ stop_loss: price * 1.01 }), input, usage);
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/^invalid signal: stop loss .* is not below entry .* for a buy/);
    expect(signal.usage).toEqual(usage);
  });

  it('holds when the entry is 50% off the market price', () => {
    const off = price * 1.5;
    const signal = parseModelAnswer(
      answer({ entry_price: off, stop_loss: off * 0.99, take_profit: off * 1.01 }),
      input,
    );
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/50% away from the market price/);
  });

  it('holds when a buy has null prices', () => {
    const signal = parseModelAnswer(answer({ stop_loss: null, take_profit: null }), input);
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/a buy needs stop loss, take profit/);
  });

  it('accepts a hold with null or absent prices and keeps its reasoning', () => {
    const nulls = parseModelAnswer(
      JSON.stringify({
        signal: 'hold',
        confidence: 30,
        entry_price: null,
        stop_loss: null,
        take_profit: null,
        reasoning: 'choppy',
      }),
      input,
    );
    expect(nulls).toEqual({ action: 'hold', confidence: 30, reasoning: 'choppy' });
    expect(
      parseModelAnswer(JSON.stringify({ signal: 'hold', confidence: 10, reasoning: 'flat' }), input)
        .reasoning,
    ).toBe('flat');
  });

  it('drops a size the model made up', () => {
    const signal = parseModelAnswer(answer({ quantity: 3, position_size: 1000 }), input);
    expect(signal.action).toBe('buy');
    expect(signal).not.toHaveProperty('quantity');
    expect(signal).not.toHaveProperty('position_size');
  });
});

describe('modelAnswerJsonSchema', () => {
  it('is a plain draft-07 JSON Schema with every field required and nullable prices', () => {
    const schema = modelAnswerJsonSchema as {
      $schema: string;
      type: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { type?: string | string[]; enum?: string[] }>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required.sort()).toEqual([
      'confidence',
      'entry_price',
      'reasoning',
      'signal',
      'stop_loss',
      'take_profit',
    ]);
    expect(schema.properties.signal?.enum).toEqual(['buy', 'sell', 'hold']);
    for (const price of ['entry_price', 'stop_loss', 'take_profit']) {
      expect(schema.properties[price]?.type).toEqual(['number', 'null']);
    }
    expect(JSON.parse(JSON.stringify(modelAnswerJsonSchema))).toEqual(modelAnswerJsonSchema);
  });

  it('describes the same fields the zod schema accepts', () => {
    expect(Object.keys((modelAnswerJsonSchema as { properties: object }).properties).sort()).toEqual(
      Object.keys(modelAnswerSchema.shape).sort(),
    );
  });
});
