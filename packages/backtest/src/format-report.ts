import type { BacktestReport } from './backtest-report';

/** The report as text for a terminal. Money is printed as the report's exact decimal strings. */
export function formatBacktestReport(report: BacktestReport): string {
  const quote = report.quoteAsset;
  const hours =
    report.tradingHours === null
      ? 'around the clock'
      : `${hour(report.tradingHours.startHourUtc)}–${hour(report.tradingHours.endHourUtc)} UTC`;
  const exits = report.exitsByReason;
  const benchmark = report.buyAndHold;
  const lines = [
    `TRD backtest: ${report.symbol}, analyzer ${report.analyzer}`,
    `period         ${report.period.from} → ${report.period.to} (${report.bars} bars, ${report.steps} steps)`,
    `trading hours  ${hours}`,
    `balance        ${report.startingBalance} ${quote} → ${report.finalBalance} ${quote} (the venue's)` +
      (report.finalBalance === report.finalEquity ? '' : `; realized equity says ${report.finalEquity}`),
    ...report.dust.map((d) => `dust           ${d.quantity} ${d.asset} (cost ${d.cost} ${quote})`),
    `trades         ${report.totalTrades} (${report.wins} wins, ${report.losses} losses, win rate ${report.winRate}%)`,
    `break-even     ${breakEven(report.breakEvenWinRate)}`,
    `net P&L        ${report.netProfitLoss} ${quote} (${report.profitLossPercent}% of the starting balance)`,
    `fees           ${report.fees} ${quote}`,
    `profit factor  ${ratio(report.profitFactor)} (gross profit ${report.grossProfit}, gross loss ${report.grossLoss} ${quote})`,
    `expectancy     ${report.expectancy} ${quote} a trade`,
    `sharpe         ${ratio(report.sharpe)}, sortino ${ratio(report.sortino)} (daily returns, ×√365, risk-free 0)`,
    `max drawdown   ${report.maxDrawdown} ${quote} (${report.maxDrawdownPercent}%), longest ${duration(report.maxDrawdownDurationMs)} under a peak`,
    `exposure       ${(report.exposure * 100).toFixed(2)}% of the time in a position, average trade ${report.averageDurationMs === null ? 'n/a' : duration(report.averageDurationMs)}`,
    `buy and hold   ${benchmark === null ? 'n/a' : `${benchmark.profitLoss} ${quote} (${benchmark.profitLossPercent}%), same period and fees`}`,
    `exits          TAKE_PROFIT ${exits.TAKE_PROFIT}, STOP_LOSS ${exits.STOP_LOSS}, TIMEOUT ${exits.TIMEOUT}` +
      (exits.MANUAL > 0 ? `, MANUAL ${exits.MANUAL} (${report.closedAtEnd} still open at the end)` : '') +
      marketCloses(exits),
    `fee rule       ${feeRule(report.riskRules)}`,
    `signals        buy ${report.signals.buy}, sell ${report.signals.sell}, hold ${report.signals.hold}; ${report.rejected} rejected by the risk rules`,
  ];
  if (report.errors.length > 0) {
    lines.push(
      `engine errors  ${report.errors.length}, first: [${report.errors[0]!.stage}] ${report.errors[0]!.message}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Whether the opt-in fee-aware risk rule was on, and what it refused. */
export function feeRule(rules: BacktestReport['riskRules']): string {
  if (rules.minRewardToRiskAfterFees === null) return 'off (--min-reward-to-risk turns it on)';
  const refused = rules.rejectedByCode.LOW_REWARD_AFTER_FEES ?? 0;
  return `on: reward after fees ≥ ${rules.minRewardToRiskAfterFees} × risk after fees; ${refused} signal(s) refused by it`;
}

/** The break-even win rate next to what it means. */
export function breakEven(rate: number | null): string {
  if (rate === null) return 'never: the fees take the whole take profit';
  return `${(rate * 100).toFixed(2)}% of trades must win to cover the stop losses and both fees`;
}

/** A ratio, or why there is none. */
export function ratio(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

/** 1h 05m, 12m 30s, 45s. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days}d ${String(hours).padStart(2, '0')}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** Positions the engine closed at market because nothing protected them, when there were any. */
function marketCloses(exits: BacktestReport['exitsByReason']): string {
  const closes = (['EXIT_UNPLACEABLE', 'EXIT_CANCELLED', 'STOP_UNFILLED'] as const).filter(
    (r) => exits[r] > 0,
  );
  return closes.map((reason) => `, ${reason} ${exits[reason]}`).join('');
}

function hour(value: number): string {
  return `${String(value).padStart(2, '0')}:00`;
}
