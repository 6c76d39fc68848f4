import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../domain/market-rules';
import { defaultTradingConfig } from '../domain/trading-config';
import { ConfigError } from '../errors';
import { type RiskCheckInput, RiskManager } from './risk-manager';

const rules: MarketRules = {
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  minQuantity: '0.00001',
  minNotional: '1',
};

function input(
  exits: { takeProfitPercent: number; stopLossPercent: number },
  action: 'buy' | 'sell' = 'buy',
): RiskCheckInput {
  return {
    config: defaultTradingConfig('u1', exits),
    signal: { action, confidence: 75 },
    price: 100,
    balances: { USDT: { free: '1000', locked: '0' }, BTC: { free: '10', locked: '0' } },
    rules,
    capabilities: { sellEntryNeedsInventory: true, ocoExits: true },
    openPositionCount: 0,
    tradesToday: 0,
  };
}

const codes = (decision: ReturnType<RiskManager['validate']>) => decision.violations.map((v) => v.code);

describe('RiskManager: the fee-aware reward-to-risk rule', () => {
  it('is off by default: the reference exits trade although fees leave them 0.14 R', () => {
    expect(
      new RiskManager({ slippagePercent: '0' }).validate(
        input({ takeProfitPercent: 0.3, stopLossPercent: 0.5 }),
      ).approved,
    ).toBe(true);
  });

  it('refuses the reference exits at 1 R, naming the ratio after fees', () => {
    const risk = new RiskManager({ slippagePercent: '0', minRewardToRiskAfterFees: '1' });
    const decision = risk.validate(input({ takeProfitPercent: 0.3, stopLossPercent: 0.5 }));
    expect(codes(decision)).toEqual(['LOW_REWARD_AFTER_FEES']);
    // Per unit at 100: +0.3 − 0.1 − 0.1003 = 0.0997 against −0.5 − 0.1 − 0.0995 = 0.6995.
    expect(decision.violations[0]!.message).toContain(
      'nets 0.0997 a unit against a stop losing 0.6995: 0.1425 R',
    );
  });

  it('accepts exits whose reward after fees reaches the multiple, on both sides', () => {
    const risk = new RiskManager({ slippagePercent: '0', minRewardToRiskAfterFees: '1' });
    // +1.5% / −1%: 1.5 − 0.2015 = 1.2985 against 1 + 0.199 = 1.199: 1.08 R.
    expect(risk.validate(input({ takeProfitPercent: 1.5, stopLossPercent: 1 })).approved).toBe(true);
    expect(risk.validate(input({ takeProfitPercent: 1.5, stopLossPercent: 1 }, 'sell')).approved).toBe(true);
    // +1.2% / −1%: 1.2 − 0.2012 = 0.9988 against 1.199: 0.83 R.
    expect(codes(risk.validate(input({ takeProfitPercent: 1.2, stopLossPercent: 1 })))).toEqual([
      'LOW_REWARD_AFTER_FEES',
    ]);
  });

  it('refuses a minimum that is not a decimal string', () => {
    expect(() => new RiskManager({ minRewardToRiskAfterFees: '-1' })).toThrow(ConfigError);
  });
});
