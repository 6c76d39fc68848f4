import { describe, expect, it } from 'vitest';
import { type Signal, signalSchema } from '../domain/signal';
import { sanitizeSignal } from './sanitize-signal';

const usage = { model: 'test-model', latencyMs: 120, totalTokens: 900 };
const buy: Signal = {
  action: 'buy',
  confidence: 75,
  entryPrice: 100,
  stopLoss: 99.5,
  takeProfit: 100.3,
  reasoning: 'setup',
  usage,
};
const sell: Signal = {
  action: 'sell',
  confidence: 75,
  entryPrice: 100,
  stopLoss: 100.5,
  takeProfit: 99.7,
  reasoning: 'setup',
  usage,
};

function expectHold(signal: Signal, reason: RegExp) {
  expect(signal.action).toBe('hold');
  expect(signal.confidence).toBe(0);
  expect(signal.reasoning).toMatch(/^invalid signal: /);
  expect(signal.reasoning).toMatch(reason);
  expect(signal.usage).toEqual(usage);
  expect(signal.entryPrice).toBeUndefined();
  expect(signalSchema.safeParse(signal).success).toBe(true);
}

describe('sanitizeSignal', () => {
  it('passes a well-formed buy and sell unchanged', () => {
    expect(sanitizeSignal(buy, { price: 100 })).toEqual(buy);
    expect(sanitizeSignal(sell, { price: 100 })).toEqual(sell);
  });

  it('turns a buy whose stop loss is above the entry into a hold that says so', () => {
    expectHold(
      sanitizeSignal({ ...buy, stopLoss: 101 }, { price: 100 }),
      /stop loss 101 is not below entry 100 for a buy/,
    );
  });

  it('checks every leg of the geometry, for buys and sells', () => {
    expectHold(
      sanitizeSignal({ ...buy, stopLoss: 100 }, { price: 100 }),
      /stop loss 100 is not below entry 100/,
    );
    expectHold(
      sanitizeSignal({ ...buy, takeProfit: 99.9 }, { price: 100 }),
      /take profit 99.9 is not above entry 100 for a buy/,
    );
    expectHold(
      sanitizeSignal({ ...sell, stopLoss: 99 }, { price: 100 }),
      /stop loss 99 is not above entry 100 for a sell/,
    );
    expectHold(
      sanitizeSignal({ ...sell, takeProfit: 100.2 }, { price: 100 }),
      /take profit 100.2 is not below entry 100 for a sell/,
    );
  });

  it('refuses an entry 50% away from the market price', () => {
    const far = { ...buy, entryPrice: 150, stopLoss: 149, takeProfit: 151 };
    expectHold(
      sanitizeSignal(far, { price: 100 }),
      /entry 150 is 50% away from the market price 100 \(at most 5% allowed\)/,
    );
  });

  it('allows exactly the maximum deviation and honours a custom one', () => {
    const atFive = { ...buy, entryPrice: 105, stopLoss: 104, takeProfit: 106 };
    expect(sanitizeSignal(atFive, { price: 100 }).action).toBe('buy');
    // 0.7 × 1.05 is 0.735 exactly, though floats make the distance 5.000000000000004%.
    expect(
      sanitizeSignal({ ...buy, entryPrice: 0.735, stopLoss: 0.73, takeProfit: 0.74 }, { price: 0.7 }).action,
    ).toBe('buy');
    expectHold(
      sanitizeSignal({ ...buy, entryPrice: 105.01, stopLoss: 104, takeProfit: 106 }, { price: 100 }),
      /5.01% away/,
    );
    expectHold(
      sanitizeSignal(atFive, { price: 100, maxDeviationPercent: 1 }),
      /5% away .*\(at most 1% allowed\)/,
    );
  });

  it('requires entry, stop loss and take profit for a trade, naming what is missing', () => {
    const { stopLoss: _s, takeProfit: _t, ...bare } = buy;
    expectHold(sanitizeSignal(bare, { price: 100 }), /a buy needs stop loss, take profit/);
  });

  it('refuses non-finite and non-positive prices', () => {
    expectHold(
      sanitizeSignal({ ...buy, stopLoss: Number.NaN }, { price: 100 }),
      /stop loss NaN is not a positive price/,
    );
    expectHold(
      sanitizeSignal({ ...buy, stopLoss: -1 }, { price: 100 }),
      /stop loss -1 is not a positive price/,
    );
    expectHold(
      sanitizeSignal({ ...buy, takeProfit: Number.POSITIVE_INFINITY }, { price: 100 }),
      /take profit Infinity/,
    );
    expectHold(sanitizeSignal(buy, { price: 0 }), /market price 0 is not a positive number/);
    expectHold(sanitizeSignal(buy, { price: Number.NaN }), /market price NaN/);
  });

  it('refuses a confidence outside 0–100', () => {
    expectHold(
      sanitizeSignal({ ...buy, confidence: 120 }, { price: 100 }),
      /confidence 120 is not a number from 0 to 100/,
    );
    expectHold(sanitizeSignal({ ...buy, confidence: Number.NaN }, { price: 100 }), /confidence NaN/);
  });

  it('never lets a size or any unknown field through', () => {
    const withSize = { ...buy, quantity: '5', size: 5 } as unknown as Signal;
    const result = sanitizeSignal(withSize, { price: 100 });
    expect(Object.keys(result).sort()).toEqual([
      'action',
      'confidence',
      'entryPrice',
      'reasoning',
      'stopLoss',
      'takeProfit',
      'usage',
    ]);
  });

  it('keeps a hold a hold, dropping its prices and keeping its reason', () => {
    const hold: Signal = { action: 'hold', confidence: 40, entryPrice: -3, reasoning: 'no edge', usage };
    expect(sanitizeSignal(hold, { price: 100 })).toEqual({
      action: 'hold',
      confidence: 40,
      reasoning: 'no edge',
      usage,
    });
  });
});
