import { type AnalysisInput, type Analyzer, createTechnicalAnalyzer } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/index';

const MINUTE = 60_000;
// Real ETHUSDT 1m bars (a falling morning): the technical analyzer trades on them.
const candles = loadReplayCandles('ethusdt-1m-2022-08-15');
const byOpenTime = new Map(candles.map((candle) => [candle.openTime, candle]));

/** The technical analyzer, keeping every input it was shown. */
function recordingTechnical(): Analyzer & { inputs: AnalysisInput[] } {
  const inner = createTechnicalAnalyzer();
  const inputs: AnalysisInput[] = [];
  return {
    specificationVersion: 'v1',
    name: 'recording-technical',
    inputs,
    analyze(input, options) {
      inputs.push(input);
      return inner.analyze(input, options);
    },
  };
}

describe('no look-ahead', () => {
  it('shows the analyzer only candles that have closed, the newest being the one that just closed', async () => {
    const analyzer = recordingTechnical();
    const { reports, store } = await runBacktest({
      markets: { ETHUSDT: candles },
      users: [{ id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' }],
      analyzer,
      tradingHours: null,
      keepAnalyses: 10_000,
    });
    const report = reports[0]!;
    expect(report.trades.length).toBeGreaterThan(0);

    // One analysis (shared mode: one call per closed candle) per step without an open position, each
    // on record at its step's time.
    const records = (await store.listAnalyses('alice', { limit: 10_000 })).reverse();
    expect(analyzer.inputs.length).toBeGreaterThan(report.steps / 2);
    expect(records).toHaveLength(analyzer.inputs.length);
    analyzer.inputs.forEach((input, index) => {
      const now = records[index]!.createdAt;
      for (const candle of input.candles) {
        expect(candle.openTime + MINUTE).toBeLessThanOrEqual(now);
        // The bar as recorded: nothing of a later bar mixed into it.
        expect(candle).toEqual(byOpenTime.get(candle.openTime));
      }
      const newest = input.candles.at(-1)!;
      expect(newest.openTime + MINUTE).toBe(now);
      expect(input.market.price).toBe(newest.close);
    });

    // Entries fill at the close the analyzer saw, and exits come from later bars only.
    for (const trade of report.trades) {
      const decidedOn = byOpenTime.get(trade.openedAt - MINUTE)!;
      expect(Number(trade.entryPrice)).toBe(decidedOn.close);
      expect(trade.closedAt!).toBeGreaterThan(trade.openedAt);
    }
  });

  it('gives the same trades up to a bar whether or not later candles exist', async () => {
    const run = async (source: typeof candles) =>
      (
        await runBacktest({
          markets: { ETHUSDT: source },
          users: [{ id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' }],
          analyzer: createTechnicalAnalyzer(),
          tradingHours: null,
          to: candles[299]!.openTime,
        })
      ).reports[0]!;
    const withFuture = await run(candles);
    const withoutFuture = await run(candles.slice(0, 300));
    expect(withFuture.trades.length).toBeGreaterThan(0);
    expect(withFuture.trades).toEqual(withoutFuture.trades);
    expect(withFuture.netProfitLoss).toBe(withoutFuture.netProfitLoss);
  });
});
