import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../domain/market-rules';
import type { Signal } from '../domain/signal';
import { defaultTradingConfig } from '../domain/trading-config';
import { ConfigError } from '../errors';
import { type RiskCheckInput, RiskManager } from './risk-manager';
import { startOfUtcDay } from './utc-day';

const rules: MarketRules = {
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  minQuantity: '0.00001',
  minNotional: '1',
};

const spot = { sellEntryNeedsInventory: true, ocoExits: true } as const;

function input(overrides: Partial<RiskCheckInput> & { usdt?: string; btc?: string } = {}): RiskCheckInput {
  const { usdt = '1000', btc, ...rest } = overrides;
  const signal: Signal = {
    action: 'buy',
    confidence: 75,
    entryPrice: 100,
    stopLoss: 99.5,
    takeProfit: 100.3,
  };
  return {
    config: defaultTradingConfig('u1'),
    signal,
    balances: { USDT: { free: usdt, locked: '0' }, ...(btc ? { BTC: { free: btc, locked: '0' } } : {}) },
    rules,
    capabilities: spot,
    openPositionCount: 0,
    tradesToday: 0,
    ...rest,
  };
}

const codes = (decision: ReturnType<RiskManager['validate']>) => decision.violations.map((v) => v.code);

describe('RiskManager', () => {
  const risk = new RiskManager();

  it('sizes by balance × risk% / |entry − stop| when under the cap', () => {
    // 1% of 1000 = 10 USDT at risk.
    const decision = risk.validate(
      input({ signal: { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 80 } }),
    );
    // 10 / 20 = 0.5 units × 100 = 50 USDT, under the 10% cap of 100 USDT.
    expect(decision).toMatchObject({ approved: true, quantity: '0.5', tradeValue: '50' });
  });

  it('caps the trade value at maxPositionPercent of the balance', () => {
    // 10 / 0.5 = 20 units = 2000 USDT, capped to 100 USDT → 1 unit.
    const decision = risk.validate(input());
    expect(decision).toMatchObject({ approved: true, quantity: '1', tradeValue: '100' });
    const wider = risk.validate(input({ config: defaultTradingConfig('u1', { maxPositionPercent: 25 }) }));
    expect(wider).toMatchObject({ approved: true, quantity: '2.5', tradeValue: '250' });
  });

  it('uses the configured risk percent', () => {
    const decision = risk.validate(
      input({
        config: defaultTradingConfig('u1', { riskPercent: 2 }),
        signal: { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 50 },
      }),
    );
    // 2% of 1000 = 20 / 50 = 0.4 units → 40 USDT.
    expect(decision).toMatchObject({ approved: true, quantity: '0.4' });
  });

  it('floors the quantity to the step size', () => {
    const decision = risk.validate(
      input({ signal: { action: 'buy', confidence: 70, entryPrice: 300, stopLoss: 200 } }),
    );
    // 10 / 100 = 0.1 units = 30 USDT: already on the step.
    expect(decision).toMatchObject({ approved: true, quantity: '0.1' });
    const odd = risk.validate(
      input({ usdt: '1000', signal: { action: 'buy', confidence: 70, entryPrice: 30000, stopLoss: 29000 } }),
    );
    // 10 / 1000 = 0.01 BTC = 300 USDT → capped to 100 USDT = 0.00333.. → floored to 0.00333.
    expect(odd).toMatchObject({ approved: true, quantity: '0.00333', tradeValue: '99.9' });
  });

  it('rejects confidence 59 and accepts 60', () => {
    expect(
      codes(
        risk.validate(input({ signal: { action: 'buy', confidence: 59, entryPrice: 100, stopLoss: 99.5 } })),
      ),
    ).toEqual(['LOW_CONFIDENCE']);
    expect(
      risk.validate(input({ signal: { action: 'buy', confidence: 60, entryPrice: 100, stopLoss: 99.5 } }))
        .approved,
    ).toBe(true);
  });

  it('rejects the 11th trade of the day and accepts the 10th', () => {
    expect(risk.validate(input({ tradesToday: 9 })).approved).toBe(true);
    expect(codes(risk.validate(input({ tradesToday: 10 })))).toEqual(['DAILY_LIMIT']);
  });

  it('allows one open position at a time', () => {
    expect(codes(risk.validate(input({ openPositionCount: 1 })))).toEqual(['OPEN_POSITION']);
  });

  it('needs a balance of at least 10 USDT', () => {
    // 9.99 fails the balance rule, and its 10% cap (0.999 USDT) the value and notional rules.
    expect(codes(risk.validate(input({ usdt: '9.99' })))).toEqual([
      'LOW_BALANCE',
      'TRADE_VALUE_TOO_SMALL',
      'BELOW_MIN_NOTIONAL',
    ]);
    const lenient = new RiskManager({ minTradeValue: '0.5' });
    expect(lenient.validate(input({ usdt: '10' })).approved).toBe(true);
  });

  it('rejects a trade value of 4.99 USDT and accepts 5 after the cap', () => {
    // 10% of 49.9 = 4.99 USDT; 10% of 50 = 5 USDT.
    const under = risk.validate(input({ usdt: '49.9' }));
    expect(codes(under)).toEqual(['TRADE_VALUE_TOO_SMALL']);
    expect(under.violations[0]?.message).toContain('4.99');
    expect(risk.validate(input({ usdt: '50' }))).toMatchObject({
      approved: true,
      quantity: '0.05',
      tradeValue: '5',
    });
  });

  it('checks the trade value after flooring to the step', () => {
    // Cap 5.000.. USDT at price 3 → 1.6666.. floored to 1.6 with step 0.1 → 4.8 USDT.
    const coarse = { ...rules, stepSize: '0.1', minQuantity: '0.1' };
    const decision = risk.validate(
      input({
        usdt: '50.01',
        rules: coarse,
        signal: { action: 'buy', confidence: 70, entryPrice: 3, stopLoss: 2.9 },
      }),
    );
    expect(codes(decision)).toContain('TRADE_VALUE_TOO_SMALL');
  });

  it('enforces the venue minimum notional', () => {
    const strict = { ...rules, minNotional: '20' };
    expect(codes(risk.validate(input({ usdt: '100', rules: strict })))).toEqual(['BELOW_MIN_NOTIONAL']);
  });

  it('rejects a stop on the wrong side of the entry', () => {
    expect(
      codes(
        risk.validate(input({ signal: { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 101 } })),
      ),
    ).toEqual(['INVALID_STOP']);
    expect(codes(risk.validate(input({ signal: { action: 'buy', confidence: 70 } })))).toEqual([
      'INVALID_STOP',
    ]);
  });

  it('needs inventory for a sell entry on a spot account, and sizes to what is held', () => {
    const sell: Signal = { action: 'sell', confidence: 70, entryPrice: 100, stopLoss: 100.5 };
    expect(codes(risk.validate(input({ signal: sell })))).toEqual(['NO_INVENTORY']);
    expect(risk.validate(input({ signal: sell, btc: '0.3' }))).toMatchObject({
      approved: true,
      quantity: '0.3',
      tradeValue: '30',
    });
    expect(risk.validate(input({ signal: sell, btc: '5' }))).toMatchObject({ approved: true, quantity: '1' });
    const margin = { sellEntryNeedsInventory: false, ocoExits: true };
    expect(risk.validate(input({ signal: sell, capabilities: margin }))).toMatchObject({
      approved: true,
      quantity: '1',
    });
  });

  it('lists every failed rule at once', () => {
    const decision = risk.validate(
      input({
        usdt: '5',
        openPositionCount: 1,
        tradesToday: 10,
        signal: { action: 'buy', confidence: 10, entryPrice: 100, stopLoss: 99 },
      }),
    );
    expect(codes(decision)).toEqual([
      'OPEN_POSITION',
      'DAILY_LIMIT',
      'LOW_CONFIDENCE',
      'LOW_BALANCE',
      'TRADE_VALUE_TOO_SMALL',
      'BELOW_MIN_NOTIONAL',
    ]);
    expect(decision.violations.every((v) => v.message.length > 0)).toBe(true);
  });

  it('refuses to validate a hold and bad limits', () => {
    expect(() => risk.validate(input({ signal: { action: 'hold', confidence: 0 } }))).toThrow(ConfigError);
    expect(() => new RiskManager({ minBalance: '-1' })).toThrow(ConfigError);
  });

  it('computes the start of the UTC day', () => {
    expect(startOfUtcDay(Date.UTC(2025, 0, 2, 23, 59, 59, 999))).toBe(Date.UTC(2025, 0, 2));
    expect(startOfUtcDay(Date.UTC(2025, 0, 3))).toBe(Date.UTC(2025, 0, 3));
  });
});
