import { type BacktestReport, runBacktest } from '@trd/backtest';
import { type Analyzer, type Candle, RiskManager, type TradingHours } from '@trd/core';

/** The CLI's user id. */
export const BACKTEST_USER = 'backtest';

/**
 * What `pnpm backtest` runs: one user on one symbol, with the opt-in fee-aware rule when given,
 * through `@trd/backtest`'s `runBacktest`.
 */
export async function backtestOneUser(options: {
  candles: readonly Candle[];
  symbol: string;
  startingBalance: string;
  analyzer: Analyzer;
  from?: number | null;
  to?: number | null;
  tradingHours?: TradingHours | null;
  /** The fee-aware rule's minimum reward-to-risk after fees; absent: off. */
  minRewardToRiskAfterFees?: string | null;
}): Promise<BacktestReport> {
  const { minRewardToRiskAfterFees } = options;
  const { reports } = await runBacktest({
    markets: { [options.symbol]: options.candles },
    users: [{ id: BACKTEST_USER, symbol: options.symbol, startingBalance: options.startingBalance }],
    analyzer: options.analyzer,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.tradingHours === undefined ? {} : { tradingHours: options.tradingHours }),
    ...(minRewardToRiskAfterFees ? { riskManager: new RiskManager({ minRewardToRiskAfterFees }) } : {}),
  });
  return reports[0] as BacktestReport;
}
