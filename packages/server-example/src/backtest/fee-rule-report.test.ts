import { formatBacktestReport } from '@trd/backtest';
import { createTechnicalAnalyzer } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { backtestOneUser } from './one-user-backtest';

// The ETHUSDT day the technical analyzer trades on (see run-backtest.test.ts).
const candles = loadReplayCandles('ethusdt-1m-2022-08-15');
const run = (minRewardToRiskAfterFees?: string) =>
  backtestOneUser({
    candles,
    symbol: 'ETHUSDT',
    startingBalance: '10000',
    analyzer: createTechnicalAnalyzer(),
    tradingHours: null,
    ...(minRewardToRiskAfterFees ? { minRewardToRiskAfterFees } : {}),
  });

describe('the fee-aware risk rule in a backtest', () => {
  it('is off by default and the report says so', async () => {
    const report = await run();
    expect(report.totalTrades).toBeGreaterThan(0);
    expect(report.riskRules).toEqual({ minRewardToRiskAfterFees: null, rejectedByCode: expect.any(Object) });
    expect(report.riskRules.rejectedByCode.LOW_REWARD_AFTER_FEES).toBeUndefined();
    expect(formatBacktestReport(report)).toMatch(/^fee rule {7}off /m);
  });

  it('at 1 R refuses every entry of the reference exits (0.14 R after fees), and the report counts them', async () => {
    const report = await run('1');
    expect(report.totalTrades).toBe(0);
    const refused = report.riskRules.rejectedByCode.LOW_REWARD_AFTER_FEES!;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBe(report.rejected);
    expect(formatBacktestReport(report)).toContain(
      `fee rule       on: reward after fees ≥ 1 × risk after fees; ${refused} signal(s) refused by it`,
    );
    // What the user should see before risking money: the exits need 87.53% wins.
    expect(formatBacktestReport(report)).toContain('break-even     87.53% of trades must win');
  });
});
