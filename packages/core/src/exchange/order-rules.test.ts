import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../domain/market-rules';
import { InvalidOrderError } from '../errors';
import {
  assertOrderFits,
  checkOrder,
  exitQuantityAfterEntry,
  feesInQuote,
  roundOrderPrice,
  roundOrderQuantity,
} from './order-rules';

const btc: MarketRules = {
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  minQuantity: '0.00001',
  maxQuantity: '9000',
  minNotional: '5',
};

describe('order rules', () => {
  it('rounds quantity down to the step and price to the tick', () => {
    expect(roundOrderQuantity(btc, '0.000159999')).toBe('0.00015');
    expect(roundOrderPrice(btc, 63201.005)).toBe('63201.01');
    expect(roundOrderPrice(btc, '63201.019', 'down')).toBe('63201.01');
  });

  it('names each broken filter', () => {
    expect(checkOrder(btc, { quantity: '0.00015', price: '63201.01' })).toEqual([]);
    const failures = checkOrder(btc, { quantity: '0.000075', price: '63201.011' });
    expect(failures.map((f) => f.filter).sort()).toEqual(['LOT_SIZE', 'MIN_NOTIONAL', 'PRICE_FILTER']);
    expect(checkOrder(btc, { quantity: '0.00007', price: '63201' }).map((f) => f.filter)).toEqual([
      'MIN_NOTIONAL',
    ]);
    expect(() => assertOrderFits(btc, { quantity: '0.00007', price: '63201' })).toThrow(InvalidOrderError);
  });

  it('sells what the entry filled net of a base-asset fee', () => {
    const fill = {
      orderId: '1',
      clientOrderId: 'c',
      symbol: 'BTCUSDT',
      side: 'buy' as const,
      status: 'filled' as const,
      executedQuantity: '0.00100',
      averagePrice: '60000',
      quoteQuantity: '60',
      fees: [{ amount: '0.000001', asset: 'BTC' }],
      updatedAt: 0,
    };
    expect(exitQuantityAfterEntry(btc, fill)).toBe('0.00099');
    expect(feesInQuote(btc, fill.fees, '60000')).toBe('0.06');
    expect(feesInQuote(btc, [{ amount: '0.06', asset: 'USDT' }], '60000')).toBe('0.06');
  });
});
