import type { SweepResult } from './run-sweep';
import type { SweepScore } from './sweep-metric';

/** The sweep as text for a terminal: the ten best in-sample, then the winner on the held-out part. */
export function formatSweepResult(result: SweepResult, quoteAsset: string): string {
  const period = (part: { from: number; to: number }) =>
    `${new Date(part.from).toISOString()} → ${new Date(part.to).toISOString()}`;
  const settings = (config: Record<string, number>) =>
    Object.entries(config)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ') || 'the reference settings';
  const score = (s: SweepScore) =>
    `net P&L ${s.netProfitLoss} ${quoteAsset} (${s.profitLossPercent}%), ${s.totalTrades} trades, ` +
    `win rate ${s.winRate}%, max drawdown ${s.maxDrawdownPercent}%` +
    (s.errors > 0 ? `, ${s.errors} engine errors` : '');
  const lines = [
    `TRD sweep: ${result.inSample.length} settings, ranked by ${result.metric}`,
    `in-sample      ${period(result.split.inSample)}`,
    `held out       ${period(result.split.holdout)}`,
    '',
    'best in-sample:',
    ...result.inSample
      .slice(0, 10)
      .map((run, index) => `${String(index + 1).padStart(3)}. ${settings(run.config)}: ${score(run.score)}`),
    '',
    `winner         ${settings(result.best.config)}`,
    `  in-sample    ${score(result.best.inSample)}`,
    `  held out     ${score(result.best.holdout)}`,
    'reference      the reference settings',
    `  in-sample    ${score(result.reference.inSample)}`,
    `  held out     ${score(result.reference.holdout)}`,
  ];
  return `${lines.join('\n')}\n`;
}
