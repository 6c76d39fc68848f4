import { Decimal } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { parseSweepRange, runBacktest, runSweep } from '../src/index';

const candles = loadReplayCandles('ethusdt-1m-2022-08-15');

describe('runSweep', () => {
  it('runs a small grid in worker threads, ranks it on the in-sample part and tests the winner on the held-out part', async () => {
    const progress: number[] = [];
    const result = await runSweep({
      candles,
      symbol: 'ETHUSDT',
      startingBalance: '10000',
      ranges: [parseSweepRange('takeProfitPercent=0.2,0.6'), parseSweepRange('stopLossPercent=0.3,1.0')],
      holdout: 0.3,
      tradingHours: null,
      threads: 2,
      onProgress: (done, total) => {
        expect(total).toBe(7);
        progress.push(done);
      },
    });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(result.inSample).toHaveLength(4);
    // Best first by net P&L (decimal comparison).
    for (let i = 1; i < result.inSample.length; i++) {
      expect(
        new Decimal(result.inSample[i - 1]!.score.netProfitLoss).gte(result.inSample[i]!.score.netProfitLoss),
      ).toBe(true);
    }
    expect(result.best.config).toEqual(result.inSample[0]!.config);

    // The parts follow each other, and the worker's figures are the ones a direct backtest gives.
    expect(result.split.holdout.from).toBe(result.split.inSample.to + 60_000);
    const direct = await runBacktest({
      markets: { ETHUSDT: candles },
      users: [{ id: 'check', symbol: 'ETHUSDT', startingBalance: '10000', config: result.best.config }],
      analyzer: (await import('@trd/core')).createTechnicalAnalyzer(),
      tradingHours: null,
      ...result.split.holdout,
    });
    expect(result.best.holdout.netProfitLoss).toBe(direct.reports[0]!.netProfitLoss);
    expect(result.best.holdout.totalTrades).toBe(direct.reports[0]!.totalTrades);
    expect(result.best.holdout.steps).toBe(direct.reports[0]!.steps);
    expect(result.best.inSample.errors + result.best.holdout.errors).toBe(0);
    // Different settings gave different results (the sweep really varied them).
    expect(new Set(result.inSample.map((run) => run.score.netProfitLoss)).size).toBeGreaterThan(1);
  }, 120_000);
});
