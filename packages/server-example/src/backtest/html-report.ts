import { type BacktestReport, breakEven, duration, feeRule, ratio } from '@trd/backtest';
import type { Candle } from '@trd/core';
import { lightweightChartsStandaloneSource } from '../vendor/lightweight-charts';
import { escapeHtml, jsonForScript, scriptForInline } from './html-escape';
import { HTML_REPORT_CLIENT } from './html-report-client';

const MINUTE = 60_000;

export interface HtmlReportOptions {
  /** lightweight-charts' standalone build; default read from node_modules. */
  chartsSource?: string;
}

/**
 * The backtest report as ONE self-contained HTML page: metrics, the price chart with every entry
 * and exit marked, the equity curve, the drawdown and the trade table. It loads nothing (the chart
 * library is inlined), so it opens from a file anywhere. Every text from the report is escaped.
 */
export function renderHtmlReport(
  report: BacktestReport,
  candles: readonly Candle[],
  options: HtmlReportOptions = {},
): string {
  const quote = report.quoteAsset;
  const title = `TRD backtest: ${report.symbol}, ${report.period.from} → ${report.period.to}`;
  const data = chartData(report, candles);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">analyzer ${escapeHtml(report.analyzer)} · ${report.bars} bars · money in ${escapeHtml(quote)}</p>
<section class="metrics">${metricsTable(report)}</section>
<h2>Price, entries and exits</h2>
<div id="price-chart" class="chart tall"></div>
<h2>Equity (realized)</h2>
<div id="equity-chart" class="chart"></div>
<h2>Drawdown</h2>
<div id="drawdown-chart" class="chart"></div>
<h2>Trades (${report.trades.length})</h2>
${tradeTable(report)}
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${scriptForInline(options.chartsSource ?? lightweightChartsStandaloneSource())}</script>
<script>${scriptForInline(HTML_REPORT_CLIENT)}</script>
</body>
</html>
`;
}

/** What the page's script draws; times in UTC seconds, as lightweight-charts takes them. */
export function chartData(report: BacktestReport, candles: readonly Candle[]) {
  const from = Date.parse(report.period.from);
  const to = Date.parse(report.period.to);
  const bar = (ms: number) => Math.floor(ms / MINUTE) * 60;
  const markers = report.trades.flatMap((trade) => {
    const long = trade.side === 'buy';
    const entry = {
      time: bar(trade.openedAt),
      position: long ? 'belowBar' : 'aboveBar',
      color: long ? '#26a69a' : '#ef5350',
      shape: long ? 'arrowUp' : 'arrowDown',
      text: `${trade.side} ${trade.entryPrice}`,
    };
    if (trade.closedAt === undefined) return [entry];
    const exit = {
      time: bar(trade.closedAt),
      position: long ? 'aboveBar' : 'belowBar',
      color: '#f0b90b',
      shape: 'circle',
      text: `${trade.exitReason ?? 'exit'} ${trade.exitPrice ?? ''}`.trim(),
    };
    return [entry, exit];
  });
  const bars = candles.filter((candle) => candle.openTime >= from && candle.openTime <= to);
  return {
    startingBalance: Number(report.startingBalance),
    candles: bars.map((c) => ({
      time: c.openTime / 1000,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
    })),
    // Markers must be sorted by time; an exit and the next entry may share a bar.
    markers: markers.sort((a, b) => a.time - b.time),
    // Sampled at every bar's close, so the three charts share one time axis.
    equity: atBars(report.equityCurve, (point) => Number(point.equity), bars),
    drawdown: atBars(report.drawdownCurve, (point) => -Number(point.drawdown), bars),
  };
}

/** A step curve's value at each bar's close: the last point at or before it (the first before any). */
function atBars<T extends { time: number }>(
  points: readonly T[],
  value: (point: T) => number,
  bars: readonly Candle[],
) {
  let index = 0;
  return bars.map((bar) => {
    while (index + 1 < points.length && points[index + 1]!.time < bar.openTime + MINUTE) index++;
    return { time: bar.openTime / 1000, value: points.length === 0 ? 0 : value(points[index]!) };
  });
}

function metricsTable(report: BacktestReport): string {
  const q = report.quoteAsset;
  const b = report.buyAndHold;
  const rows: [string, string][] = [
    ['Balance', `${report.startingBalance} → ${report.finalBalance} ${q}`],
    ['Net P&L', `${report.netProfitLoss} ${q} (${report.profitLossPercent}%)`],
    ['Fees', `${report.fees} ${q}`],
    [
      'Buy and hold',
      b === null ? 'n/a' : `${b.profitLoss} ${q} (${b.profitLossPercent}%), same period and fees`,
    ],
    ['Trades', `${report.totalTrades} (${report.wins} wins, ${report.losses} losses)`],
    ['Win rate', `${report.winRate}%`],
    ['Break-even win rate', breakEven(report.breakEvenWinRate)],
    ['Profit factor', ratio(report.profitFactor)],
    ['Expectancy', `${report.expectancy} ${q} a trade`],
    ['Average win / loss', `${report.averageWin ?? 'n/a'} / ${report.averageLoss ?? 'n/a'} ${q}`],
    [
      'Sharpe / Sortino',
      `${ratio(report.sharpe)} / ${ratio(report.sortino)} (daily returns, ×√365, risk-free 0)`,
    ],
    ['Max drawdown', `${report.maxDrawdown} ${q} (${report.maxDrawdownPercent}%)`],
    ['Longest drawdown', duration(report.maxDrawdownDurationMs)],
    ['Exposure', `${(report.exposure * 100).toFixed(2)}% of the time in a position`],
    ['Average trade', report.averageDurationMs === null ? 'n/a' : duration(report.averageDurationMs)],
    [
      'Exits',
      Object.entries(report.exitsByReason)
        .filter(([, count]) => count > 0)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ') || 'none',
    ],
    ['Signals', `buy ${report.signals.buy}, sell ${report.signals.sell}, hold ${report.signals.hold}`],
    ['Rejected by the risk rules', String(report.rejected)],
    ['Fee-aware risk rule', feeRule(report.riskRules)],
  ];
  if (report.errors.length > 0)
    rows.push(['Engine errors', `${report.errors.length}: ${report.errors[0]!.message}`]);
  const body = rows.map(
    ([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
  );
  return `<table id="metrics">${body.join('')}</table>`;
}

function tradeTable(report: BacktestReport): string {
  const head = [
    '#',
    'side',
    'opened (UTC)',
    'closed (UTC)',
    'duration',
    'quantity',
    'entry',
    'exit',
    'reason',
    'fees',
    'P&L',
    'P&L %',
  ];
  const time = (ms: number | undefined) =>
    ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const rows = report.trades.map((trade, index) => {
    const fees = trade.exitFee === undefined ? trade.entryFee : `${trade.entryFee} + ${trade.exitFee}`;
    const pnl = trade.profitLoss ?? '';
    const cells = [
      String(index + 1),
      trade.side,
      time(trade.openedAt),
      time(trade.closedAt),
      trade.closedAt === undefined ? '' : duration(trade.closedAt - trade.openedAt),
      trade.quantity,
      trade.entryPrice,
      trade.exitPrice ?? '',
      trade.exitReason ?? '',
      fees,
      pnl,
      trade.profitLossPercent ?? '',
    ];
    const outcome = pnl === '' ? '' : Number(pnl) > 0 ? ' class="win"' : ' class="loss"';
    const note = trade.exitNote ? ` title="${escapeHtml(trade.exitNote)}"` : '';
    return `<tr${outcome}${note}>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return `<table id="trades"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.sub { color: #666; margin: 0 0 16px; }
.chart { height: 260px; border: 1px solid #ddd; } .chart.tall { height: 420px; }
table { border-collapse: collapse; }
#metrics th { text-align: left; padding: 2px 16px 2px 0; color: #555; font-weight: 500; }
#trades { width: 100%; font-variant-numeric: tabular-nums; }
#trades th, #trades td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: right; }
#trades tr.win td:nth-last-child(-n+2) { color: #1a7f64; } #trades tr.loss td:nth-last-child(-n+2) { color: #c62828; }
`;
