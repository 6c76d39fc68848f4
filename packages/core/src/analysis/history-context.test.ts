import { describe, expect, it } from 'vitest';
import type { ExitReason } from '../domain/exit-reason';
import type { Trade } from '../domain/trade';
import { buildHistoryContext } from './history-context';

let sequence = 0;
function closedTrade(
  profitLoss: string,
  exitReason: ExitReason = Number(profitLoss) > 0 ? 'TAKE_PROFIT' : 'STOP_LOSS',
): Trade {
  sequence += 1;
  return {
    id: `trade-${sequence}`,
    userId: 'user-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'closed',
    quantity: '0.001',
    entryPrice: '60000',
    entryFee: '0.06',
    takeProfit: '60180',
    stopLoss: '59700',
    confidence: 70,
    clientOrderId: `trd-${sequence}`,
    openedAt: 1_700_000_000_000,
    closedAt: 1_700_000_600_000,
    exitPrice: '60100',
    exitFee: '0.06',
    exitReason,
    profitLoss,
    profitLossPercent: '0.1',
    durationSeconds: 600,
  };
}

describe('buildHistoryContext', () => {
  it('is empty with trend none when the user has no closed trades', () => {
    expect(buildHistoryContext([])).toEqual({
      tradeCount: 0,
      winRate: 0,
      averagePnl: 0,
      stopLossHitRate: 0,
      takeProfitHitRate: 0,
      recentTrend: 'none',
      losingStreak: 0,
    });
  });

  it('computes rates over the last 15 closed trades only, newest first', () => {
    // 15 considered: 6 wins (TP), 7 losses (SL), 2 manual at break-even; then 5 older wins ignored.
    const considered = [
      closedTrade('-0.3'),
      closedTrade('-0.2'),
      closedTrade('0.18'),
      closedTrade('0', 'MANUAL'),
      closedTrade('0.2'),
      closedTrade('-0.31'),
      closedTrade('0.19'),
      closedTrade('-0.29'),
      closedTrade('0', 'TIMEOUT'),
      closedTrade('0.21'),
      closedTrade('-0.3'),
      closedTrade('0.2'),
      closedTrade('-0.3'),
      closedTrade('0.22'),
      closedTrade('-0.1'),
    ];
    const older = Array.from({ length: 5 }, () => closedTrade('5'));
    const context = buildHistoryContext([...considered, ...older]);

    expect(context.tradeCount).toBe(15);
    expect(context.winRate).toBeCloseTo((6 / 15) * 100, 10);
    // Sum: wins 1.2, losses −1.8 → −0.6 / 15 = −0.04.
    expect(context.averagePnl).toBe(-0.04);
    expect(context.stopLossHitRate).toBeCloseTo((7 / 15) * 100, 10);
    expect(context.takeProfitHitRate).toBeCloseTo((6 / 15) * 100, 10);
    expect(context.losingStreak).toBe(2);
    // Last 5: loss, loss, win, break-even, win → 2 wins of 5.
    expect(context.recentTrend).toBe('mixed');
  });

  it('sums P&L exactly (decimal strings, no float drift)', () => {
    const context = buildHistoryContext([closedTrade('0.1'), closedTrade('0.2'), closedTrade('-0.3')]);
    expect(context.averagePnl).toBe(0);
  });

  it('ignores trades that are not closed', () => {
    const open = {
      ...closedTrade('0'),
      status: 'filled' as const,
      profitLoss: undefined,
      exitReason: undefined,
    };
    const context = buildHistoryContext([open, closedTrade('-1')]);
    expect(context.tradeCount).toBe(1);
    expect(context.losingStreak).toBe(1);
  });

  it('calls the last 5 winning at 3 wins, losing at 1 win or fewer, mixed at 2', () => {
    const w = () => closedTrade('0.2');
    const l = () => closedTrade('-0.3');
    expect(buildHistoryContext([w(), w(), w(), l(), l(), l()]).recentTrend).toBe('winning');
    expect(buildHistoryContext([w(), w(), l(), l(), l(), w(), w()]).recentTrend).toBe('mixed');
    expect(buildHistoryContext([w(), l(), l(), l(), l(), w(), w()]).recentTrend).toBe('losing');
    // Fewer than 5 trades: the same shares.
    expect(buildHistoryContext([w()]).recentTrend).toBe('winning');
    expect(buildHistoryContext([l()]).recentTrend).toBe('losing');
    expect(buildHistoryContext([w(), l()]).recentTrend).toBe('mixed');
  });

  it('counts the losing streak from the most recent trade; a break-even is a loss (isWinningTrade)', () => {
    const l = () => closedTrade('-0.3');
    expect(buildHistoryContext([l(), l(), l(), closedTrade('0.2'), l()]).losingStreak).toBe(3);
    expect(buildHistoryContext([closedTrade('0.2'), l(), l()]).losingStreak).toBe(0);
    expect(buildHistoryContext([l(), closedTrade('0', 'TIMEOUT'), l()]).losingStreak).toBe(3);
    expect(buildHistoryContext([l(), closedTrade('0.01'), l()]).losingStreak).toBe(1);
  });
});
