import { describe, expect, it } from 'vitest';
import { buildHistoryContext } from '../analysis/history-context';
import type { Trade } from './trade';
import { isWinningTrade } from './trade-outcome';

describe('isWinningTrade: the one definition of a win', () => {
  it('wins only with money made; break-even and losses are losses', () => {
    expect(isWinningTrade('0.00000001')).toBe(true);
    expect(isWinningTrade('0')).toBe(false);
    expect(isWinningTrade('-0')).toBe(false);
    expect(isWinningTrade('-1.5')).toBe(false);
    expect(isWinningTrade(undefined)).toBe(false);
  });

  it('is what the history the analyzer sees counts: a break-even trade extends a losing streak', () => {
    const closed = (profitLoss: string, i: number) =>
      ({
        id: `t${i}`,
        status: 'closed',
        profitLoss,
        exitReason: 'TIMEOUT',
        closedAt: 1000 - i,
      }) as unknown as Trade;
    const history = buildHistoryContext(['0', '-1', '2'].map(closed));
    expect(history.losingStreak).toBe(2);
    expect(history.winRate).toBeCloseTo(100 / 3);
  });
});
