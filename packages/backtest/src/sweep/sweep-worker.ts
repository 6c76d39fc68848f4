// One sweep run in a worker thread: the candles arrive once per worker (workerData), each task is
// one configuration over one period. The analyzer is rebuilt here (analyzers do not cross threads).
import { type Candle, createTechnicalAnalyzer, type TradingHours } from '@trd/core';
import Tinypool from 'tinypool';
import { runBacktest } from '../run-backtest';
import { type SweepScore, scoreOf } from './sweep-metric';

/** Shared by every task of a worker. */
export interface SweepWorkerData {
  candles: Candle[];
  symbol: string;
  startingBalance: string;
  tradingHours: TradingHours | null;
}

/** One configuration over one period (bar open times, Unix ms). */
export interface SweepTask {
  config: Record<string, number>;
  from: number;
  to: number;
}

const shared = Tinypool.workerData as SweepWorkerData;

export default async function runSweepTask(task: SweepTask): Promise<SweepScore> {
  const { reports } = await runBacktest({
    markets: { [shared.symbol]: shared.candles },
    users: [
      { id: 'sweep', symbol: shared.symbol, startingBalance: shared.startingBalance, config: task.config },
    ],
    analyzer: createTechnicalAnalyzer(),
    from: task.from,
    to: task.to,
    tradingHours: shared.tradingHours,
    keepAnalyses: 1,
  });
  return scoreOf(reports[0]!);
}
