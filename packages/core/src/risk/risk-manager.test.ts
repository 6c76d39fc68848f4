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
    price: 100,
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
  // No slippage unless a test says so: the hand-computed sizes stay round.
  const risk = new RiskManager({ slippagePercent: '0' });

  it('sizes by balance × risk% / |fill − stop| with the stop the exit will place', () => {
    // 1% of 1000 = 10 USDT at risk; a 20% stop from the fill at 100 is 80: 10 / 20 = 0.5 units = 50 USDT.
    const decision = risk.validate(input({ config: defaultTradingConfig('u1', { stopLossPercent: 20 }) }));
    expect(decision).toMatchObject({
      approved: true,
      quantity: '0.5',
      tradeValue: '50',
      expectedFillPrice: '100',
      distances: { takeProfitPercent: 0.3, stopLossPercent: 20 },
    });
    // The signal's own stop (99.5) plays no part with the default source (config).
    const signalStop = risk.validate(
      input({
        config: defaultTradingConfig('u1', { stopLossPercent: 20 }),
        signal: { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 10, takeProfit: 101 },
      }),
    );
    expect(signalStop).toMatchObject({ approved: true, quantity: '0.5' });
  });

  it('caps the trade value at maxPositionPercent of the balance', () => {
    // 10 / 0.5 = 20 units = 2000 USDT, capped to 100 USDT → 1 unit.
    const decision = risk.validate(input());
    expect(decision).toMatchObject({ approved: true, quantity: '1', tradeValue: '100' });
    const wider = risk.validate(input({ config: defaultTradingConfig('u1', { maxPositionPercent: 25 }) }));
    expect(wider).toMatchObject({ approved: true, quantity: '2.5', tradeValue: '250' });
  });

  it('applies the cap at the price the order will fill at, with the slippage, not at the signal entry', () => {
    const slipping = new RiskManager({ slippagePercent: '0.1' });
    // The signal says 95 (5% away); the market is 100 and a buy fills at 100.1: 100 / 100.1 → 0.999.
    const decision = slipping.validate(
      input({ signal: { action: 'buy', confidence: 70, entryPrice: 95, stopLoss: 94, takeProfit: 96 } }),
    );
    expect(decision).toMatchObject({
      approved: true,
      quantity: '0.999',
      tradeValue: '99.9999',
      expectedFillPrice: '100.1',
    });
  });

  it('uses the configured risk percent', () => {
    const decision = risk.validate(
      input({ config: defaultTradingConfig('u1', { riskPercent: 2, stopLossPercent: 50 }) }),
    );
    // 2% of 1000 = 20 / 50 = 0.4 units → 40 USDT.
    expect(decision).toMatchObject({ approved: true, quantity: '0.4' });
  });

  it('floors the quantity to the step size', () => {
    const decision = risk.validate(
      input({ config: defaultTradingConfig('u1', { stopLossPercent: 50 }), price: 300 }),
    );
    // 10 / 150 = 0.0666.. units = 20 USDT: floored to 0.06666.
    expect(decision).toMatchObject({ approved: true, quantity: '0.06666' });
    const odd = risk.validate(input({ price: 30000 }));
    // 10 / 150 = 0.0666 BTC = 2000 USDT → capped to 100 USDT = 0.00333.. → floored to 0.00333.
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
    // 9.99 fails the balance rule, and its 10% cap (0.999 USDT) the value, notional and exit rules.
    expect(codes(risk.validate(input({ usdt: '9.99' })))).toEqual([
      'LOW_BALANCE',
      'TRADE_VALUE_TOO_SMALL',
      'BELOW_MIN_NOTIONAL',
      'EXIT_BELOW_MIN_NOTIONAL',
    ]);
    const lenient = new RiskManager({ minTradeValue: '0.5', slippagePercent: '0' });
    // 11 USDT: 0.011 units; the exit sells 0.01098 at worst 99.4 = 1.09 ≥ 1 + 5%.
    expect(lenient.validate(input({ usdt: '11' })).approved).toBe(true);
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
    // Cap 5.001 USDT at price 3 → 1.667 floored to 1.6 with step 0.1 → 4.8 USDT.
    const coarse = { ...rules, stepSize: '0.1', minQuantity: '0.1' };
    const decision = risk.validate(input({ usdt: '50.01', rules: coarse, price: 3 }));
    expect(codes(decision)).toContain('TRADE_VALUE_TOO_SMALL');
  });

  it('enforces the venue minimum notional on the entry and on every exit leg', () => {
    const strict = { ...rules, minNotional: '20' };
    expect(codes(risk.validate(input({ usdt: '100', rules: strict })))).toEqual([
      'BELOW_MIN_NOTIONAL',
      'EXIT_BELOW_MIN_NOTIONAL',
    ]);
  });

  it('never opens what cannot be closed: ETHUSDT with 52 USDT (regression)', () => {
    // Reported road: the entry (5.2 USDT) clears the 5 USDT minimum, but the exit sells
    // 0.002 − 0.1% fee = 0.001998 → 0.0019 ETH, and its stop limit (~2584.4) makes 4.91 USDT.
    const eth: MarketRules = {
      symbol: 'ETHUSDT',
      baseAsset: 'ETH',
      quoteAsset: 'USDT',
      tickSize: '0.01',
      stepSize: '0.0001',
      minQuantity: '0.0001',
      minNotional: '5',
    };
    const refused = risk.validate(input({ usdt: '52', rules: eth, price: 2600 }));
    expect(codes(refused)).toEqual(['EXIT_BELOW_MIN_NOTIONAL']);
    expect(refused.violations[0]?.message).toMatch(/0\.0019 ETH .* under the minimum notional 5/);
    // 60 USDT: 0.0023 ETH, the exit sells 0.0022 → 5.69 USDT at the stop limit, clear of 5.25.
    expect(risk.validate(input({ usdt: '60', rules: eth, price: 2600 }))).toMatchObject({
      approved: true,
      quantity: '0.0023',
    });
  });

  it('sizes from the signal levels, bounded by the config, with exitLevelSource signal', () => {
    const config = defaultTradingConfig('u1', { stopLossPercent: 5, maxPositionPercent: 100 });
    const signal = { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 98, takeProfit: 101 } as const;
    // Signal stop 2% → 10 / 2 = 5 units; the config's 5% stop would give 10 / 5 = 2.
    expect(risk.validate(input({ config, signal, exitLevelSource: 'signal' }))).toMatchObject({
      approved: true,
      quantity: '5',
      distances: { stopLossPercent: 2, takeProfitPercent: 0.3 },
    });
    expect(risk.validate(input({ config, signal }))).toMatchObject({ approved: true, quantity: '2' });
    // A signal stop wider than the config's (10%) is bounded to it.
    const wide = { ...signal, stopLoss: 90 };
    expect(risk.validate(input({ config, signal: wide, exitLevelSource: 'signal' }))).toMatchObject({
      quantity: '2',
      distances: { stopLossPercent: 5 },
    });
  });

  it('rejects a signal stop on the wrong side of the entry when the signal sets the levels', () => {
    const signalLevels = { exitLevelSource: 'signal' as const };
    expect(
      codes(
        risk.validate(
          input({
            ...signalLevels,
            signal: { action: 'buy', confidence: 70, entryPrice: 100, stopLoss: 101 },
          }),
        ),
      ),
    ).toEqual(['INVALID_STOP']);
    expect(
      codes(risk.validate(input({ ...signalLevels, signal: { action: 'buy', confidence: 70 } }))),
    ).toEqual(['INVALID_STOP']);
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

  it('opens nothing on an account that cannot place the OCO exit (ocoExits false), whatever else holds', () => {
    const noOco = { sellEntryNeedsInventory: true, ocoExits: false };
    const decision = risk.validate(input({ capabilities: noOco }));
    expect(decision.approved).toBe(false);
    expect(codes(decision)).toEqual(['EXITS_UNSUPPORTED']);
    expect(decision.violations[0]?.message).toMatch(/ocoExits/);
    // Listed with the other failed rules, not instead of them.
    expect(codes(risk.validate(input({ capabilities: noOco, tradesToday: 10 })))).toEqual([
      'DAILY_LIMIT',
      'EXITS_UNSUPPORTED',
    ]);
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
      'EXIT_BELOW_MIN_NOTIONAL',
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
