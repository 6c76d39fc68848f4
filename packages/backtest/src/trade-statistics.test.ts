import type { ExitReason, Trade } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { computeTradeStatistics } from './trade-statistics';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 8, 21, 8);

/** A closed trade: only the fields the report reads matter. */
function closed(id: string, hour: number, profitLoss: string, exitReason: ExitReason): Trade {
  return {
    id,
    userId: 'backtest',
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'closed',
    quantity: '0.01',
    entryPrice: '60000',
    entryFee: '0.1',
    takeProfit: '60180',
    stopLoss: '59700',
    confidence: 70,
    clientOrderId: `client-${id}`,
    openedAt: T0 + hour * HOUR - 60_000,
    closedAt: T0 + hour * HOUR,
    exitPrice: '60000',
    exitFee: '0.2',
    exitReason,
    profitLoss,
    profitLossPercent: '0',
    durationSeconds: 60,
  };
}

describe('computeTradeStatistics', () => {
  it('counts, sums and measures the drawdown of hand-made trades exactly', () => {
    // Closing order and equity from 1000:
    //   t1 +10.1 TP → 1010.1 (peak)   t2 −20.2 SL → 989.9    t3 −5.1 TIMEOUT → 984.8 (25.3 below the peak)
    //   t4 +0.1 TP  → 984.9           t5 0 TIMEOUT → 984.9   t6 +0.2 TP → 985.1     t7 +50 MANUAL → 1035.1
    // net 35.1 = 3.51% of 1000; wins 4 of 7 = 57.142857…% → 57.14; break-even t5 is a loss;
    // max drawdown 25.3 = 25.3 / 1010.1 = 2.504702…% → 2.5047; fees 7 × (0.1 + 0.2) = 2.1.
    const trades = [
      closed('t7', 7, '50', 'MANUAL'),
      closed('t2', 2, '-20.2', 'STOP_LOSS'),
      closed('t4', 4, '0.1', 'TAKE_PROFIT'),
      closed('t1', 1, '10.1', 'TAKE_PROFIT'),
      closed('t6', 6, '0.2', 'TAKE_PROFIT'),
      closed('t3', 3, '-5.1', 'TIMEOUT'),
      closed('t5', 5, '0', 'TIMEOUT'),
      // Not closed: ignored.
      { ...closed('open', 8, '0', 'TIMEOUT'), status: 'filled', closedAt: undefined, profitLoss: undefined },
      { ...closed('failed', 9, '0', 'TIMEOUT'), status: 'failed', profitLoss: undefined },
    ] satisfies Trade[];

    const statistics = computeTradeStatistics(trades, '1000');

    expect(statistics).toMatchObject({
      totalTrades: 7,
      wins: 4,
      losses: 3,
      winRate: '57.14',
      startingBalance: '1000',
      netProfitLoss: '35.1',
      profitLossPercent: '3.51',
      finalEquity: '1035.1',
      fees: '2.1',
      maxDrawdown: '25.3',
      maxDrawdownPercent: '2.5047',
      exitsByReason: {
        TAKE_PROFIT: 3,
        STOP_LOSS: 1,
        TIMEOUT: 2,
        MANUAL: 1,
        EXIT_UNPLACEABLE: 0,
        EXIT_CANCELLED: 0,
        STOP_UNFILLED: 0,
      },
      profitFactor: 60.4 / 25.3,
      expectancy: '5.01428571',
      equityCurve: [
        // The starting balance at the first entry, then one point a close.
        { time: T0 + 1 * HOUR - 60_000, equity: '1000' },
        { time: T0 + 1 * HOUR, tradeId: 't1', equity: '1010.1' },
        { time: T0 + 2 * HOUR, tradeId: 't2', equity: '989.9' },
        { time: T0 + 3 * HOUR, tradeId: 't3', equity: '984.8' },
        { time: T0 + 4 * HOUR, tradeId: 't4', equity: '984.9' },
        { time: T0 + 5 * HOUR, tradeId: 't5', equity: '984.9' },
        { time: T0 + 6 * HOUR, tradeId: 't6', equity: '985.1' },
        { time: T0 + 7 * HOUR, tradeId: 't7', equity: '1035.1' },
      ],
    });
  });

  it('measures the largest drawdown in money and in percent separately, from the starting balance on', () => {
    // From 100: −10 → 90 (10 below the start, 10%); +110 → 200; −50 → 150 (50, 25%);
    // +850 → 1000; −60 → 940 (60, but only 6%). Largest: 60 in money, 25% in percent.
    const trades = [
      closed('a', 1, '-10', 'STOP_LOSS'),
      closed('b', 2, '110', 'TAKE_PROFIT'),
      closed('c', 3, '-50', 'STOP_LOSS'),
      closed('d', 4, '850', 'TAKE_PROFIT'),
      closed('e', 5, '-60', 'STOP_LOSS'),
    ];
    const statistics = computeTradeStatistics(trades, '100');
    expect(statistics.maxDrawdown).toBe('60');
    expect(statistics.maxDrawdownPercent).toBe('25');
    expect(statistics.netProfitLoss).toBe('840');
    expect(statistics.profitLossPercent).toBe('840');
    expect(statistics.winRate).toBe('40');
  });

  it('orders trades closed at the same time by id, and rounds percentages half-even', () => {
    // Same close time: a then b. 1 of 3 wins = 33.333…% → 33.33. Net −0.00005 of 3 = −0.0016666…% → −0.0017.
    const at = (id: string, pnl: string) => ({ ...closed(id, 1, pnl, 'STOP_LOSS') });
    const statistics = computeTradeStatistics([at('b', '-0.00015'), at('a', '0.0001'), at('c', '0')], '3');
    expect(statistics.equityCurve.slice(1).map((point) => point.tradeId)).toEqual(['a', 'b', 'c']);
    expect(statistics.winRate).toBe('33.33');
    expect(statistics.netProfitLoss).toBe('-0.00005');
    expect(statistics.profitLossPercent).toBe('-0.0017');
    expect(statistics.maxDrawdown).toBe('0.00015');
  });

  it('adds the break-even win rate of the exits and buy-and-hold over the candles of the period', () => {
    const candle = (minute: number, open: number, close: number) => ({
      openTime: T0 + minute * 60_000,
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume: 1,
    });
    const statistics = computeTradeStatistics([closed('a', 1, '1', 'TAKE_PROFIT')], '1000', {
      period: { start: T0, end: T0 + 2 * HOUR },
      // The first bar is before the period, the last after it: neither counts.
      candles: [candle(-1, 1, 1), candle(0, 100, 101), candle(119, 104, 110), candle(120, 500, 500)],
      exits: { takeProfitPercent: 0.3, stopLossPercent: 0.5, feePercent: '0.1' },
    });
    expect(statistics.breakEvenWinRate).toBeCloseTo(0.6995 / 0.7992, 12);
    // 1000 × 0.999 / 100 × 110 × 0.999
    expect(statistics.buyAndHold).toEqual({
      finalEquity: '1097.8011',
      profitLoss: '97.8011',
      profitLossPercent: '9.7801',
    });
    expect(statistics.exposure).toBeCloseTo(1 / 120, 12);
  });

  it('reports zeros without trades', () => {
    expect(computeTradeStatistics([], '10000')).toMatchObject({
      totalTrades: 0,
      wins: 0,
      losses: 0,
      winRate: '0',
      startingBalance: '10000',
      netProfitLoss: '0',
      profitLossPercent: '0',
      finalEquity: '10000',
      fees: '0',
      maxDrawdown: '0',
      maxDrawdownPercent: '0',
      exitsByReason: {
        TAKE_PROFIT: 0,
        STOP_LOSS: 0,
        TIMEOUT: 0,
        MANUAL: 0,
        EXIT_UNPLACEABLE: 0,
        EXIT_CANCELLED: 0,
        STOP_UNFILLED: 0,
      },
      equityCurve: [{ time: 0, equity: '10000' }],
      profitFactor: null,
      sharpe: null,
      breakEvenWinRate: null,
      buyAndHold: null,
    });
  });
});
