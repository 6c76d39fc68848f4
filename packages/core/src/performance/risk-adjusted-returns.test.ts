import { describe, expect, it } from 'vitest';
import { dailyReturns } from './daily-returns';
import { sharpeRatio, sortinoRatio } from './risk-adjusted-returns';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 8, 1);

describe('dailyReturns', () => {
  it('takes each UTC day’s closing equity, carried over days without a trade', () => {
    const curve = [
      { time: T0, equity: '100' },
      { time: T0 + 3_600_000, equity: '110' }, // day 1
      { time: T0 + 2 * DAY + 60_000, equity: '99' }, // day 3
    ];
    const returns = dailyReturns(curve, T0, T0 + 3 * DAY - 1);
    expect(returns).toHaveLength(3);
    expect(returns[0]).toBeCloseTo(0.1, 12);
    expect(returns[1]).toBe(0);
    expect(returns[2]).toBeCloseTo(-0.1, 12);
  });
});

describe('sharpeRatio and sortinoRatio (daily returns, √365, risk-free 0)', () => {
  it('match the formulas on a named case', () => {
    const returns = [0.01, -0.02, 0.03, 0];
    // mean 0.005; sample deviation √(0.0013/3); downside deviation √(0.0004/4) = 0.01
    expect(sharpeRatio(returns)).toBeCloseTo((0.005 / Math.sqrt(0.0013 / 3)) * Math.sqrt(365), 9);
    expect(sortinoRatio(returns)).toBeCloseTo((0.005 / 0.01) * Math.sqrt(365), 9);
  });

  it('are undefined with one day, with flat returns, or (Sortino) without a losing day', () => {
    expect(sharpeRatio([0.01])).toBeNull();
    expect(sharpeRatio([0.01, 0.01])).toBeNull();
    expect(sortinoRatio([0.01, 0.02])).toBeNull();
    expect(sharpeRatio([0.01, 0.02])).toBeGreaterThan(0);
  });
});
