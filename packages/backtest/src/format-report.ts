import type { BacktestReport } from './backtest-report';

/** The report as text for a terminal. Money is printed as the report's exact decimal strings. */
export function formatBacktestReport(report: BacktestReport): string {
  const quote = report.quoteAsset;
  const hours =
    report.tradingHours === null
      ? 'around the clock'
      : `${hour(report.tradingHours.startHourUtc)}–${hour(report.tradingHours.endHourUtc)} UTC`;
  const exits = report.exitsByReason;
  const lines = [
    `TRD backtest: ${report.symbol}, analyzer ${report.analyzer}`,
    `period         ${report.period.from} → ${report.period.to} (${report.bars} bars, ${report.steps} steps)`,
    `trading hours  ${hours}`,
    `balance        ${report.startingBalance} ${quote} → ${report.finalBalance} ${quote} (the venue's)` +
      (report.finalBalance === report.finalEquity ? '' : `; realized equity says ${report.finalEquity}`),
    ...report.dust.map((d) => `dust           ${d.quantity} ${d.asset} (cost ${d.cost} ${quote})`),
    `trades         ${report.totalTrades} (${report.wins} wins, ${report.losses} losses, win rate ${report.winRate}%)`,
    `net P&L        ${report.netProfitLoss} ${quote} (${report.profitLossPercent}% of the starting balance)`,
    `fees           ${report.fees} ${quote}`,
    `max drawdown   ${report.maxDrawdown} ${quote} (${report.maxDrawdownPercent}%)`,
    `exits          TAKE_PROFIT ${exits.TAKE_PROFIT}, STOP_LOSS ${exits.STOP_LOSS}, TIMEOUT ${exits.TIMEOUT}` +
      (exits.MANUAL > 0 ? `, MANUAL ${exits.MANUAL} (${report.closedAtEnd} still open at the end)` : '') +
      marketCloses(exits),
    `signals        buy ${report.signals.buy}, sell ${report.signals.sell}, hold ${report.signals.hold}; ${report.rejected} rejected by the risk rules`,
  ];
  if (report.errors.length > 0) {
    lines.push(
      `engine errors  ${report.errors.length}, first: [${report.errors[0]!.stage}] ${report.errors[0]!.message}`,
    );
  }
  return `${lines.join('\n')}\n`;
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
