import { describe, expect, it } from 'vitest';
import { buyAndHold } from './buy-and-hold';
import { exposure } from './exposure';
import { closedTrade } from './test-trades';

describe('exposure', () => {
  it('is the share of the period with a position open, overlaps counted once, clipped to the period', () => {
    const trades = [
      closedTrade('a', '1', { openedAt: -10, closedAt: 10 }), // 10 inside
      closedTrade('b', '1', { openedAt: 20, closedAt: 40 }),
      closedTrade('c', '1', { openedAt: 30, closedAt: 50 }), // overlaps b: 20–50 is 30
      closedTrade('d', '1', { openedAt: 90, closedAt: 120 }, { status: 'filled', closedAt: undefined }), // open to the end: 10
      closedTrade('e', '1', { openedAt: 60, closedAt: 70 }, { status: 'failed' }),
    ];
    expect(exposure(trades, 0, 100)).toBeCloseTo(0.5, 12);
    expect(exposure([], 0, 100)).toBe(0);
  });
});

describe('buyAndHold', () => {
  it('buys at the first price and sells at the last, paying the fee on both sides', () => {
    expect(buyAndHold({ startingBalance: '1000', firstPrice: '100', lastPrice: '110' })).toEqual({
      finalEquity: '1100',
      profitLoss: '100',
      profitLossPercent: '10',
    });
    // 1000 × 0.999 / 100 = 9.99 units; × 110 × 0.999 = 1097.8011
    expect(
      buyAndHold({ startingBalance: '1000', firstPrice: '100', lastPrice: '110', feePercent: '0.1' }),
    ).toEqual({
      finalEquity: '1097.8011',
      profitLoss: '97.8011',
      profitLossPercent: '9.7801',
    });
  });
});
