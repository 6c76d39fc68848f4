import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakEvenWinRate, breakEvenWinRateOfPercents, roundTripAfterFees } from './round-trip-after-fees';

describe('breakEvenWinRate', () => {
  it('is about 88% for the reference bot: +0.3% / −0.5% with 0.1% a side', () => {
    // Per 100 of entry: the win nets 0.3 − 0.1 − 0.1003 = 0.0997, the loss costs 0.5 + 0.1 + 0.0995 = 0.6995.
    const { reward, risk } = roundTripAfterFees({
      side: 'buy',
      entryPrice: '100',
      takeProfit: '100.3',
      stopLoss: '99.5',
      feePercent: '0.1',
    });
    expect(reward.toFixed()).toBe('0.0997');
    expect(risk.toFixed()).toBe('0.6995');
    const rate = breakEvenWinRateOfPercents({
      takeProfitPercent: 0.3,
      stopLossPercent: 0.5,
      feePercent: 0.1,
    });
    expect(rate).toBeCloseTo(0.6995 / 0.7992, 12);
    expect(Math.round(rate! * 100)).toBe(88);
  });

  it('is the plain stop / (target + stop) without fees, for either side', () => {
    for (const side of ['buy', 'sell'] as const) {
      expect(
        breakEvenWinRateOfPercents({ takeProfitPercent: 1, stopLossPercent: 1, feePercent: 0, side }),
      ).toBeCloseTo(0.5, 12);
    }
  });

  it('is null when the fees eat the whole take profit', () => {
    expect(
      breakEvenWinRateOfPercents({ takeProfitPercent: 0.2, stopLossPercent: 0.5, feePercent: 0.1 }),
    ).toBeNull();
  });

  it('at that win rate the expected net result is zero, and it rises with the fee', () => {
    const percent = fc.integer({ min: 1, max: 500 }).map((n) => n / 100);
    fc.assert(
      fc.property(
        percent,
        percent,
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom('buy', 'sell'),
        (tp, sl, fee, side) => {
          const prices = {
            side,
            entryPrice: 100,
            takeProfit: side === 'buy' ? 100 + tp : 100 - tp,
            stopLoss: side === 'buy' ? 100 - sl : 100 + sl,
            feePercent: fee / 100,
          } as const;
          const rate = breakEvenWinRate(prices);
          const { reward, risk } = roundTripAfterFees(prices);
          if (rate === null) {
            expect(reward.lte(0)).toBe(true);
            return;
          }
          expect(rate).toBeGreaterThan(0);
          expect(rate).toBeLessThanOrEqual(1);
          expect(rate * reward.toNumber() - (1 - rate) * risk.toNumber()).toBeCloseTo(0, 9);
          const dearer = breakEvenWinRate({ ...prices, feePercent: fee / 100 + 0.01 });
          if (dearer !== null) expect(dearer).toBeGreaterThan(rate);
        },
      ),
    );
  });
});
