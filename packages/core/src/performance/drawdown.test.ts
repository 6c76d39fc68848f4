import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal';
import { computeDrawdown } from './drawdown';
import type { EquityPoint } from './equity-curve';

const curve = (...equities: string[]): EquityPoint[] =>
  equities.map((equity, i) => ({ time: i * 1000, equity }));

describe('computeDrawdown', () => {
  it('measures the largest fall, its percent of its own peak, and the longest time underwater', () => {
    // Peak 110 at t=1s, down to 99 (−11, 10%), back to 110 at t=4s; then 200 → 170 (−30, 15%) until the end.
    const drawdown = computeDrawdown(curve('100', '110', '99', '105', '110', '200', '170'), 10_000);
    expect(drawdown.maxDrawdown).toBe('30');
    expect(drawdown.maxDrawdownPercent).toBe('15');
    // 200 at t=5s never recovers: 5 s to the end (t=10s), longer than the 3 s of the first one.
    expect(drawdown.maxDrawdownDurationMs).toBe(5000);
    expect(drawdown.series.map((point) => point.drawdown)).toEqual(['0', '0', '11', '5', '0', '0', '30']);
  });

  it('is zero for a curve that only rises', () => {
    expect(computeDrawdown(curve('100', '100', '101'))).toMatchObject({
      maxDrawdown: '0',
      maxDrawdownPercent: '0',
      maxDrawdownDurationMs: 0,
    });
  });

  it('is never negative, and the amount is the largest peak-to-later-trough fall', () => {
    const amount = fc
      .integer({ min: 1, max: 1_000_000 })
      .map((units) => new Decimal(units).div(100).toFixed());
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 40 }), (equities) => {
        const points = curve(...equities);
        const d = computeDrawdown(points);
        expect(new Decimal(d.maxDrawdown).gte(0)).toBe(true);
        expect(new Decimal(d.maxDrawdownPercent).gte(0)).toBe(true);
        expect(new Decimal(d.maxDrawdownPercent).lte(100)).toBe(true);
        expect(d.maxDrawdownDurationMs).toBeGreaterThanOrEqual(0);
        let brute = new Decimal(0);
        for (let i = 0; i < equities.length; i++)
          for (let j = i + 1; j < equities.length; j++) {
            const fall = new Decimal(equities[i]!).minus(equities[j]!);
            if (fall.gt(brute)) brute = fall;
          }
        expect(d.maxDrawdown).toBe(brute.toFixed());
      }),
    );
  });
});
