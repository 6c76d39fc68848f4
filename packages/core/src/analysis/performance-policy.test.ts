import { describe, expect, it } from 'vitest';
import type { TradeHistoryContext } from '../domain/analysis-input';
import type { Signal } from '../domain/signal';
import { applyPerformancePolicy } from './performance-policy';

const buy: Signal = { action: 'buy', confidence: 90, entryPrice: 100, stopLoss: 99.5, takeProfit: 100.3 };
const history = (overrides: Partial<TradeHistoryContext>): TradeHistoryContext => ({
  tradeCount: 10,
  winRate: 50,
  averagePnl: 0,
  stopLossHitRate: 30,
  takeProfitHitRate: 50,
  recentTrend: 'mixed',
  losingStreak: 0,
  ...overrides,
});
const config = { minConfidence: 60 };

describe('applyPerformancePolicy', () => {
  it('applies nothing without closed trades or with a healthy record', () => {
    expect(applyPerformancePolicy(buy, history({ tradeCount: 0, winRate: 0 }), config)).toEqual({
      signal: buy,
      policy: { requiredConfidence: 60, confidenceAdjustment: 0, caution: false, reasons: [] },
    });
    expect(applyPerformancePolicy(buy, history({}), config).policy.reasons).toEqual([]);
  });

  it('requires more than 85 below a 40% win rate, not at 40%', () => {
    expect(applyPerformancePolicy(buy, history({ winRate: 40 }), config).policy.requiredConfidence).toBe(60);
    expect(applyPerformancePolicy(buy, history({ winRate: 39.9 }), config).policy.requiredConfidence).toBe(
      86,
    );
    // A config that already asks more keeps its own.
    expect(
      applyPerformancePolicy(buy, history({ winRate: 10 }), { minConfidence: 95 }).policy.requiredConfidence,
    ).toBe(95);
  });

  it('takes 15 points off a streak of two losses, 20 from three, and 15 for a losing trend', () => {
    expect(applyPerformancePolicy(buy, history({ losingStreak: 1 }), config).signal.confidence).toBe(90);
    expect(applyPerformancePolicy(buy, history({ losingStreak: 2 }), config).signal.confidence).toBe(75);
    expect(applyPerformancePolicy(buy, history({ losingStreak: 3 }), config).signal.confidence).toBe(70);
    expect(
      applyPerformancePolicy(buy, history({ recentTrend: 'losing' }), config).policy.confidenceAdjustment,
    ).toBe(-15);
    expect(
      applyPerformancePolicy({ ...buy, confidence: 10 }, history({ losingStreak: 4 }), config).signal
        .confidence,
    ).toBe(0);
  });

  it('asks 10 more points above a 60% stop-loss rate, not at 60%', () => {
    expect(applyPerformancePolicy(buy, history({ stopLossHitRate: 60 }), config).policy.caution).toBe(false);
    expect(applyPerformancePolicy(buy, history({ stopLossHitRate: 60.1 }), config).policy).toMatchObject({
      caution: true,
      requiredConfidence: 70,
    });
  });

  it('leaves a hold as it is', () => {
    const hold: Signal = { action: 'hold', confidence: 0 };
    expect(applyPerformancePolicy(hold, history({ losingStreak: 5 }), config).signal).toBe(hold);
  });
});
