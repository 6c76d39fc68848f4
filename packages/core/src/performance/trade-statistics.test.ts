import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal';
import { closedTrade } from './test-trades';
import { computeTradeStatistics } from './trade-statistics';

const MINUTE = 60_000;

describe('computeTradeStatistics', () => {
  it('sums, ratios and averages of a named case', () => {
    const trades = [
      closedTrade('a', '3', { openedAt: 0, closedAt: 10 * MINUTE }),
      closedTrade('b', '-1', { openedAt: 20 * MINUTE, closedAt: 40 * MINUTE }, { exitReason: 'STOP_LOSS' }),
      closedTrade('c', '0', { openedAt: 50 * MINUTE, closedAt: 80 * MINUTE }, { exitReason: 'TIMEOUT' }),
      closedTrade('d', '1', { openedAt: 90 * MINUTE, closedAt: 110 * MINUTE }),
    ];
    const statistics = computeTradeStatistics(trades);
    expect(statistics).toMatchObject({
      totalTrades: 4,
      wins: 2,
      losses: 2, // the break-even trade is a loss
      winRate: 0.5,
      netProfitLoss: '3',
      fees: '0.8',
      grossProfit: '4',
      grossLoss: '1',
      profitFactor: 4,
      expectancy: '0.75',
      averageWin: '2',
      averageLoss: '-0.5',
      bestTrade: '3',
      worstTrade: '-1',
      averageDurationMs: 20 * MINUTE,
    });
    expect(statistics.exitsByReason).toEqual({
      TAKE_PROFIT: 2,
      STOP_LOSS: 1,
      TIMEOUT: 1,
      MANUAL: 0,
      EXIT_UNPLACEABLE: 0,
      EXIT_CANCELLED: 0,
      STOP_UNFILLED: 0,
    });
  });

  it('has no profit factor without a loss, and nothing to average without trades', () => {
    expect(
      computeTradeStatistics([closedTrade('a', '2', { openedAt: 0, closedAt: 1 })]).profitFactor,
    ).toBeNull();
    expect(computeTradeStatistics([])).toMatchObject({
      totalTrades: 0,
      winRate: 0,
      netProfitLoss: '0',
      profitFactor: null,
      expectancy: '0',
      averageWin: null,
      averageLoss: null,
      averageDurationMs: null,
    });
  });

  it('ignores trades that are not closed, and keeps money exact', () => {
    const trades = [
      closedTrade('a', '0.1', { openedAt: 0, closedAt: 1 }),
      closedTrade('b', '0.2', { openedAt: 2, closedAt: 3 }),
      closedTrade('open', '5', { openedAt: 4, closedAt: 5 }, { status: 'filled' }),
    ];
    expect(computeTradeStatistics(trades)).toMatchObject({ totalTrades: 2, netProfitLoss: '0.3' });
  });

  it('keeps its invariants for any trades', () => {
    const pnl = fc
      .integer({ min: -1_000_000, max: 1_000_000 })
      .map((units) => new Decimal(units).div(1000).toFixed());
    fc.assert(
      fc.property(fc.array(pnl, { maxLength: 40 }), (pnls) => {
        const trades = pnls.map((p, i) =>
          closedTrade(`t${i}`, p, { openedAt: i * 10, closedAt: i * 10 + 5 }),
        );
        const s = computeTradeStatistics(trades);
        expect(s.winRate).toBeGreaterThanOrEqual(0);
        expect(s.winRate).toBeLessThanOrEqual(1);
        expect(s.wins + s.losses).toBe(s.totalTrades);
        expect(new Decimal(s.grossProfit).gte(0) && new Decimal(s.grossLoss).gte(0)).toBe(true);
        expect(new Decimal(s.grossProfit).minus(s.grossLoss).toFixed()).toBe(
          new Decimal(s.netProfitLoss).toFixed(),
        );
        const sum = pnls.reduce((total, p) => total.plus(p), new Decimal(0));
        expect(new Decimal(s.netProfitLoss).eq(sum)).toBe(true);
        if (s.profitFactor !== null) {
          expect(s.profitFactor).toBeCloseTo(new Decimal(s.grossProfit).div(s.grossLoss).toNumber(), 10);
          // Profit factor above 1 exactly when the trades made money.
          expect(s.profitFactor > 1).toBe(sum.gt(0));
        } else {
          expect(s.losses === 0 || new Decimal(s.grossLoss).isZero()).toBe(true);
        }
      }),
    );
  });
});
