import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../domain/market-rules';
import type { Trade } from '../domain/trade';
import { exitOrderPrices } from '../exchange/exit-plan';
import type { OrderReport } from '../ports/trading-account';
import { computeTradeExit, fillTime } from './profit-and-loss';

const rules: MarketRules = {
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  minQuantity: '0.00001',
  minNotional: '5',
};
const T = Date.UTC(2025, 5, 2, 9);

function fill(overrides: Partial<OrderReport>): OrderReport {
  return {
    orderId: '1',
    clientOrderId: 'c',
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'filled',
    executedQuantity: '0.01',
    averagePrice: '59820',
    quoteQuantity: '598.2',
    fees: [],
    updatedAt: T,
    ...overrides,
  };
}

describe('computeTradeExit', () => {
  it('computes a short net of fees (hand-computed)', () => {
    // Sold 0.01 at 60 000 paying 0.6 USDT; bought back 0.01 at 59 820 paying 0.00001 BTC (0.5982 USDT).
    const short: Trade = {
      id: 't',
      userId: 'u',
      symbol: 'BTCUSDT',
      side: 'sell',
      status: 'filled',
      quantity: '0.01',
      entryPrice: '60000',
      entryFee: '0.6',
      takeProfit: '59820',
      stopLoss: '60300',
      confidence: 70,
      clientOrderId: 'c',
      openedAt: T - 90_500,
    };
    const exit = computeTradeExit({
      trade: short,
      rules,
      fill: fill({ fees: [{ amount: '0.00001', asset: 'BTC' }] }),
      reason: 'TAKE_PROFIT',
      closedAt: T,
    });
    // (60 000 − 59 820) × 0.01 = 1.8; 1.8 − 0.6 − 0.5982 = 0.6018; 0.6018 / 600 = 0.1003%.
    expect(exit).toEqual({
      tradeId: 't',
      exitPrice: '59820',
      exitFee: '0.5982',
      exitReason: 'TAKE_PROFIT',
      exitQuantity: '0.01',
      // A short leaves no dust: the buy-back's base fee is charged at the exit price instead.
      dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0', cost: '0' },
      profitLoss: '0.6018',
      profitLossPercent: '0.1003',
      closedAt: T,
      durationSeconds: 90,
    });
  });

  it('charges a long the dust its exit leaves and counts the dust a later exit sweeps', () => {
    // Bought 0.01 at 60 000 (600 USDT) with 0.00001 BTC fee: 0.00999 BTC net, the exit sells 0.0099.
    const long: Trade = {
      id: 'l1',
      userId: 'u',
      symbol: 'BTCUSDT',
      side: 'buy',
      status: 'filled',
      quantity: '0.01',
      entryPrice: '60000',
      entryFee: '0.6',
      entryQuoteAmount: '600',
      entryNetQuantity: '0.00999',
      takeProfit: '60180',
      stopLoss: '59700',
      confidence: 70,
      clientOrderId: 'c1',
      openedAt: T - 60_000,
    };
    const first = computeTradeExit({
      trade: long,
      rules,
      fill: fill({
        side: 'sell',
        executedQuantity: '0.0099',
        averagePrice: '60180',
        quoteQuantity: '595.782',
        fees: [{ amount: '0.595782', asset: 'USDT' }],
      }),
      reason: 'TAKE_PROFIT',
      closedAt: T,
    });
    // Cash: 595.782 − 0.595782 − 600 = −4.813782; 0.00009 BTC of dust stays, at its cost 600 / 0.00999 each.
    expect(first).toMatchObject({
      profitLoss: '-4.813782',
      exitQuantity: '0.0099',
      dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.00009', cost: '5.405405405405' },
    });
    // The next exit sells 0.00999 + the 0.00009 of dust → 0.01008 BTC: the dust's proceeds count.
    const second = computeTradeExit({
      trade: { ...long, id: 'l2', clientOrderId: 'c2' },
      rules,
      fill: fill({
        side: 'sell',
        executedQuantity: '0.01008',
        averagePrice: '60000',
        quoteQuantity: '604.8',
        fees: [{ amount: '0.6048', asset: 'USDT' }],
      }),
      reason: 'MANUAL',
      closedAt: T,
      dustBefore: first.dust,
    });
    expect(second).toMatchObject({
      profitLoss: '4.1952', // 604.8 − 0.6048 − 600
      dust: { quantity: '0', cost: '0' },
    });
  });

  it('takes the fill time from the venue when it is plausible', () => {
    expect(fillTime(fill({ updatedAt: T - 5 }), T - 10, T)).toBe(T - 5);
    expect(fillTime(fill({ updatedAt: T + 5 }), T - 10, T)).toBe(T);
    expect(fillTime(fill({ updatedAt: T - 20 }), T - 10, T)).toBe(T);
  });
});

describe('exitOrderPrices', () => {
  const distances = { takeProfitPercent: 0.3, stopLossPercent: 0.5 };
  it('puts a long take profit +0.3% and stop −0.5% from the fill, the limit 0.1% below, on the tick', () => {
    expect(
      exitOrderPrices({
        rules,
        entrySide: 'buy',
        entryPrice: '63123.45',
        distances,
        stopLimitOffsetPercent: '0.1',
      }),
    ).toEqual({
      takeProfit: '63312.82', // 63 312.82035
      stopLoss: '62807.83', // 62 807.83275
      stopLimit: '62745.02', // 62 745.022… rounded down, away from the stop
    });
  });
  it('mirrors them for a short', () => {
    expect(
      exitOrderPrices({
        rules,
        entrySide: 'sell',
        entryPrice: '60000',
        distances,
        stopLimitOffsetPercent: '0.1',
      }),
    ).toEqual({ takeProfit: '59820', stopLoss: '60300', stopLimit: '60360.3' });
  });
});
