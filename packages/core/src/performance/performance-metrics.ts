import { Decimal, type DecimalInput, type DecimalString, toDecimalString } from '../decimal';
import type { Trade } from '../domain/trade';
import { type BuyAndHold, buyAndHold } from './buy-and-hold';
import { dailyReturns } from './daily-returns';
import { computeDrawdown, type Drawdown } from './drawdown';
import { type EquityPoint, realizedEquityCurve } from './equity-curve';
import { exposure } from './exposure';
import { sharpeRatio, sortinoRatio } from './risk-adjusted-returns';
import { computeTradeStatistics, type TradeStatistics } from './trade-statistics';

export interface PerformanceMetricsInput {
  trades: readonly Trade[];
  startingBalance: DecimalInput;
  /** The period measured, Unix ms: [start, end). */
  period: { start: number; end: number };
  /** The market's price at the start and end of the period, for the buy-and-hold benchmark. */
  prices?: { first: DecimalInput; last: DecimalInput };
  /** Fee of each side, percent, charged to the benchmark as to the strategy. Default 0. */
  feePercent?: DecimalInput;
}

/** Every statistic of a run, each computed by its one function in `@trd/core`'s performance module. */
export interface PerformanceMetrics extends TradeStatistics, Omit<Drawdown, 'series'> {
  startingBalance: DecimalString;
  /** startingBalance + netProfitLoss. */
  finalEquity: DecimalString;
  /** netProfitLoss as a percent of the starting balance, 4 decimals. */
  profitLossPercent: DecimalString;
  /** Annualised (√365) Sharpe of daily returns, risk-free 0; `null` under 2 days or no variation. */
  sharpe: number | null;
  /** Annualised (√365) Sortino of daily returns, target 0; `null` under 2 days or no losing day. */
  sortino: number | null;
  /** Share of the period with a position open, [0, 1]. */
  exposure: number;
  /** The benchmark; `null` without `prices`. */
  buyAndHold: BuyAndHold | null;
  /** Realized equity: the start, then after each close. */
  equityCurve: EquityPoint[];
  drawdownCurve: Drawdown['series'];
}

/** Pure: all the metrics of a run's trades over its period. */
export function computePerformanceMetrics(input: PerformanceMetricsInput): PerformanceMetrics {
  const { start, end } = input.period;
  const statistics = computeTradeStatistics(input.trades);
  const curve = realizedEquityCurve(input.trades, input.startingBalance, start);
  const { series, ...drawdown } = computeDrawdown(curve, end);
  const returns = dailyReturns(curve, start, end - 1);
  const startingBalance = new Decimal(input.startingBalance);
  const net = new Decimal(statistics.netProfitLoss);
  return {
    ...statistics,
    ...drawdown,
    startingBalance: toDecimalString(startingBalance),
    finalEquity: toDecimalString(startingBalance.plus(net)),
    profitLossPercent: startingBalance.isZero()
      ? '0'
      : toDecimalString(net.div(startingBalance).mul(100).toDecimalPlaces(4)),
    sharpe: sharpeRatio(returns),
    sortino: sortinoRatio(returns),
    exposure: exposure(input.trades, start, end),
    buyAndHold: input.prices
      ? buyAndHold({
          startingBalance,
          firstPrice: input.prices.first,
          lastPrice: input.prices.last,
          feePercent: input.feePercent ?? 0,
        })
      : null,
    equityCurve: curve,
    drawdownCurve: series,
  };
}
