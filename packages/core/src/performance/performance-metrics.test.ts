import { describe, expect, it } from 'vitest';
import { computePerformanceMetrics } from './performance-metrics';
import { closedTrade } from './test-trades';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 8, 1);

describe('computePerformanceMetrics', () => {
  it('puts every statistic of a run side by side, each from its one definition', () => {
    const trades = [
      closedTrade('a', '10', { openedAt: T0 + 1000, closedAt: T0 + DAY / 4 }),
      closedTrade(
        'b',
        '-30',
        { openedAt: T0 + DAY + 1000, closedAt: T0 + DAY + DAY / 4 },
        { exitReason: 'STOP_LOSS' },
      ),
      closedTrade('c', '5', { openedAt: T0 + 2 * DAY + 1000, closedAt: T0 + 2 * DAY + DAY / 4 }),
    ];
    const metrics = computePerformanceMetrics({
      trades,
      startingBalance: '1000',
      period: { start: T0, end: T0 + 3 * DAY },
      prices: { first: '100', last: '90' },
    });
    expect(metrics).toMatchObject({
      totalTrades: 3,
      netProfitLoss: '-15',
      finalEquity: '985',
      profitLossPercent: '-1.5',
      maxDrawdown: '30',
      // 30 of the 1010 peak
      maxDrawdownPercent: '2.9703',
      // from the 1010 peak (the end of trade a) to the end of the period: never recovered
      maxDrawdownDurationMs: 3 * DAY - DAY / 4,
      buyAndHold: { finalEquity: '900', profitLoss: '-100', profitLossPercent: '-10' },
    });
    expect(metrics.exposure).toBeCloseTo((3 * (DAY / 4 - 1000)) / (3 * DAY), 12);
    // Three days: +1%, −2.97%, +0.51%.
    expect(metrics.sharpe).not.toBeNull();
    expect(metrics.sortino).not.toBeNull();
    expect(metrics.sharpe!).toBeLessThan(0);
    expect(metrics.equityCurve.map((point) => point.equity)).toEqual(['1000', '1010', '980', '985']);
    expect(metrics.drawdownCurve.map((point) => point.drawdown)).toEqual(['0', '0', '30', '25']);
  });
});
