import { ConfigError, Decimal } from '@trd/core';
import type { BacktestReport } from '../backtest-report';

/**
 * What a sweep ranks by, and which way: the report's own statistics, so the sweep and the report
 * agree. (More metrics come from core's shared definitions as they are added there.)
 */
export const SWEEP_METRICS = {
  netProfitLoss: 'higher',
  profitLossPercent: 'higher',
  winRate: 'higher',
  maxDrawdown: 'lower',
  maxDrawdownPercent: 'lower',
} as const satisfies Record<string, 'higher' | 'lower'>;
export type SweepMetric = keyof typeof SWEEP_METRICS;

/** What a sweep keeps of a run: the statistics, not the trades (they cross a thread boundary). */
export type SweepScore = Pick<
  BacktestReport,
  SweepMetric | 'totalTrades' | 'wins' | 'losses' | 'fees' | 'finalBalance' | 'steps'
> & { errors: number };

export function parseSweepMetric(name: string): SweepMetric {
  if (!Object.hasOwn(SWEEP_METRICS, name)) {
    throw new ConfigError(`unknown metric "${name}"; one of ${Object.keys(SWEEP_METRICS).join(', ')}`);
  }
  return name as SweepMetric;
}

/** Negative when `a` is better than `b` by `metric` (decimal comparison: money stays exact). */
export function compareByMetric(metric: SweepMetric, a: SweepScore, b: SweepScore): number {
  const difference = new Decimal(a[metric]).comparedTo(b[metric]);
  return SWEEP_METRICS[metric] === 'higher' ? -difference : difference;
}

export function scoreOf(report: BacktestReport): SweepScore {
  return {
    netProfitLoss: report.netProfitLoss,
    profitLossPercent: report.profitLossPercent,
    winRate: report.winRate,
    maxDrawdown: report.maxDrawdown,
    maxDrawdownPercent: report.maxDrawdownPercent,
    totalTrades: report.totalTrades,
    wins: report.wins,
    losses: report.losses,
    fees: report.fees,
    finalBalance: report.finalBalance,
    steps: report.steps,
    errors: report.errors.length,
  };
}
