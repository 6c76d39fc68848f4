import { availableParallelism } from 'node:os';
import { type Candle, DEFAULT_ENGINE_SETTINGS, type DecimalString, type TradingHours } from '@trd/core';
import Tinypool from 'tinypool';
import { resolveBacktestPeriod } from '../backtest-period';
import { compareByMetric, type SweepMetric, type SweepScore } from './sweep-metric';
import { type SweepRange, sweepGrid } from './sweep-range';
import type { SweepTask, SweepWorkerData } from './sweep-worker';
import { splitWalkForward, type WalkForwardSplit } from './walk-forward';

export interface SweepOptions {
  /** 1m candles of the one market swept, ascending. */
  candles: readonly Candle[];
  symbol: string;
  startingBalance: DecimalString;
  /** The settings swept and their values; every combination runs (core's technical analyzer). */
  ranges: readonly SweepRange[];
  /** What the best settings are chosen by; default `netProfitLoss`. */
  metric?: SweepMetric;
  /** Share of the period, at its end, held out to test the winner on; default 0.3. */
  holdout?: number;
  /** The whole period (bar open times); default as `runBacktest`'s. */
  from?: number | null;
  to?: number | null;
  /** Default the engine's (08:00–16:00 UTC); `null` trades around the clock. */
  tradingHours?: TradingHours | null;
  /** Worker threads; default the machine's parallelism minus one (at least one). */
  threads?: number;
  /** Called as runs finish (progress bars). */
  onProgress?: (done: number, total: number) => void;
}

export interface SweepRun {
  config: Record<string, number>;
  score: SweepScore;
}

export interface SweepResult {
  metric: SweepMetric;
  split: WalkForwardSplit;
  /** Every combination on the in-sample part, best first (ties keep the grid's order). */
  inSample: SweepRun[];
  /** The in-sample winner on both parts: what the held-out part says of it is the honest figure. */
  best: { config: Record<string, number>; inSample: SweepScore; holdout: SweepScore };
  /** The reference bot's settings on both parts, for comparison. */
  reference: { inSample: SweepScore; holdout: SweepScore };
}

/**
 * A parameter sweep with a walk-forward check: every combination of `ranges` runs through the full
 * engine on the in-sample part of the period, in worker threads (tinypool); the best by `metric`
 * is then run on the held-out part that follows, which none of the runs has seen, so a winner that
 * only fitted noise shows it there.
 * @throws ConfigError for bad ranges, a period without candles or one too short to split.
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const metric = options.metric ?? 'netProfitLoss';
  const period = resolveBacktestPeriod({ [options.symbol]: options.candles }, options);
  const split = splitWalkForward(period, options.holdout ?? 0.3);
  const grid = sweepGrid(options.ranges);
  const tradingHours =
    options.tradingHours === undefined ? DEFAULT_ENGINE_SETTINGS.tradingHours : options.tradingHours;
  const workerData: SweepWorkerData = {
    candles: [...options.candles],
    symbol: options.symbol,
    startingBalance: options.startingBalance,
    tradingHours: tradingHours === null ? null : { ...tradingHours },
  };
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism() - 1, grid.length + 2));
  const pool = new Tinypool({ ...workerFile(), workerData, minThreads: threads, maxThreads: threads });
  const total = grid.length + 3;
  let done = 0;
  const run = async (task: SweepTask): Promise<SweepScore> => {
    const score = (await pool.run(task)) as SweepScore;
    options.onProgress?.(++done, total);
    return score;
  };
  try {
    const inSampleTask = (config: Record<string, number>): SweepTask => ({ config, ...split.inSample });
    const [scores, referenceInSample, referenceHoldout] = await Promise.all([
      Promise.all(grid.map((config) => run(inSampleTask(config)))),
      run(inSampleTask({})),
      run({ config: {}, ...split.holdout }),
    ]);
    const inSample = grid
      .map((config, index) => ({ config, score: scores[index]!, index }))
      .sort((a, b) => compareByMetric(metric, a.score, b.score) || a.index - b.index)
      .map(({ config, score }) => ({ config, score }));
    const winner = inSample[0]!;
    const holdout = await run({ config: winner.config, ...split.holdout });
    return {
      metric,
      split,
      inSample,
      best: { config: winner.config, inSample: winner.score, holdout },
      reference: { inSample: referenceInSample, holdout: referenceHoldout },
    };
  } finally {
    await pool.destroy();
  }
}

/**
 * The worker's file: the built one next to the bundle, or, from the TypeScript sources (tests,
 * `pnpm backtest`), a bootstrap that loads the source worker through tsx, with the `source` export
 * condition so `@trd/*` imports resolve to sources too.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) {
    return { filename: new URL('./sweep-worker.js', import.meta.url).href, execArgv: [] };
  }
  return {
    filename: new URL('./sweep-worker-from-source.mjs', import.meta.url).href,
    execArgv: ['--conditions=source'],
  };
}
