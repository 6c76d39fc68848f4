import { describe, expect, it } from 'vitest';
import type { MarketRules } from '../domain/market-rules';
import type { Trade } from '../domain/trade';
import type { OrderReport } from '../ports/trading-account';
import { exitPrices } from './exit-prices';
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
      profitLoss: '0.6018',
      profitLossPercent: '0.1003',
      closedAt: T,
      durationSeconds: 90,
    });
  });

  it('takes the fill time from the venue when it is plausible', () => {
    expect(fillTime(fill({ updatedAt: T - 5 }), T - 10, T)).toBe(T - 5);
    expect(fillTime(fill({ updatedAt: T + 5 }), T - 10, T)).toBe(T);
    expect(fillTime(fill({ updatedAt: T - 20 }), T - 10, T)).toBe(T);
  });
});

describe('exitPrices', () => {
  it('puts a long take profit +0.3% and stop −0.5% from the fill, on the tick', () => {
    expect(
      exitPrices({
        rules,
        entrySide: 'buy',
        averageEntryPrice: '63123.45',
        takeProfitPercent: 0.3,
        stopLossPercent: 0.5,
      }),
    ).toEqual({
      takeProfit: '63312.82', // 63 312.82035
      stopLoss: '62807.83', // 62 807.83275
    });
  });
  it('mirrors them for a short', () => {
    expect(
      exitPrices({
        rules,
        entrySide: 'sell',
        averageEntryPrice: '60000',
        takeProfitPercent: 0.3,
        stopLossPercent: 0.5,
      }),
    ).toEqual({
      takeProfit: '59820',
      stopLoss: '60300',
    });
  });
});
