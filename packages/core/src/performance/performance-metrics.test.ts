import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal';
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

  it('keeps its invariants for any sequence of trades in the period', () => {
    const trade = fc.record({
      pnl: fc.integer({ min: -50_000, max: 50_000 }).map((units) => new Decimal(units).div(100).toFixed()),
      gap: fc.integer({ min: 0, max: DAY }),
      length: fc.integer({ min: 1, max: DAY }),
    });
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 25 }), (specs) => {
        let time = T0;
        const trades = specs.map((spec, i) => {
          const openedAt = time + spec.gap;
          time = openedAt + spec.length;
          return closedTrade(`t${i}`, spec.pnl, { openedAt, closedAt: time });
        });
        const end = time + DAY;
        const m = computePerformanceMetrics({ trades, startingBalance: '10000', period: { start: T0, end } });
        expect(m.equityCurve.at(-1)!.equity).toBe(m.finalEquity);
        expect(new Decimal(m.finalEquity).minus(m.startingBalance).eq(m.netProfitLoss)).toBe(true);
        // A drawdown is made of losses: never more than all of them together.
        expect(new Decimal(m.maxDrawdown).gte(0)).toBe(true);
        expect(new Decimal(m.maxDrawdown).lte(m.grossLoss)).toBe(true);
        expect(m.maxDrawdownDurationMs).toBeLessThanOrEqual(end - T0);
        expect(m.exposure).toBeGreaterThanOrEqual(0);
        expect(m.exposure).toBeLessThanOrEqual(1);
        const inMarket = specs.reduce((sum, spec) => sum + spec.length, 0);
        expect(m.exposure).toBeCloseTo(inMarket / (end - T0), 12);
        if (m.sortino !== null && m.sharpe !== null) expect(Math.sign(m.sortino)).toBe(Math.sign(m.sharpe));
      }),
    );
  });
});
