import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestReport, SweepResult } from '@trd/backtest';
import { Decimal } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..', '..');
const tsx = join(packageDir, '..', '..', 'node_modules', '.bin', 'tsx');

/** `pnpm backtest`'s program as a real process. */
function backtest(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(tsx, ['--conditions=source', 'src/backtest/main.ts', ...args], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('src/backtest/main.ts as a process', () => {
  it('prints the whole report as JSON with --json and exits 0', async () => {
    const run = await backtest(['--', '--json', '--trading-hours', 'always', '--balance', '5000']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BacktestReport;
    expect(report).toMatchObject({
      symbol: 'BTCUSDT',
      quoteAsset: 'USDT',
      analyzer: 'technical',
      startingBalance: '5000',
      tradingHours: null,
      period: { from: '2024-09-21T07:39:00.000Z', to: '2024-09-21T11:59:00.000Z' },
      bars: 261,
      errors: [],
    });
    expect(report.trades.length).toBeGreaterThan(0);
    expect(report.totalTrades).toBe(report.trades.length);
    const net = report.trades.reduce((total, trade) => total.plus(trade.profitLoss!), new Decimal(0));
    expect(report.netProfitLoss).toBe(net.toFixed());
    expect(report.profitLossPercent).toBe(net.div(5000).mul(100).toDecimalPlaces(4).toFixed());
  }, 60_000);

  it('prints a readable report with exact money, and writes the HTML page with --html', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'trd-backtest-main-')), 'report.html');
    const run = await backtest(['--trading-hours', 'always', '--to', '2024-09-21T09:00:00Z', '--html', html]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`backtest: wrote ${html}\n`);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    // The chart library is inlined: the page loads nothing.
    expect(page).toContain('LightweightCharts');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(run.stdout).toMatch(/break-even\s+87\.53% of trades must win/);
    expect(run.stdout).toMatch(/sharpe\s+n\/a, sortino n\/a \(daily returns, ×√365, risk-free 0\)/);
    expect(run.stdout).toMatch(/profit factor\s+(\d+\.\d\d|n\/a) /);
    expect(run.stdout).toMatch(/buy and hold\s+-?\d+(\.\d+)? USDT/);
    expect(run.stdout).toContain('TRD backtest: BTCUSDT, analyzer technical');
    expect(run.stdout).toMatch(/net P&L\s+-?\d+(\.\d+)? USDT \(-?\d+(\.\d+)?% of the starting balance\)/);
    expect(run.stdout).toMatch(/max drawdown\s+\d+(\.\d+)? USDT/);
    expect(run.stdout).toMatch(/exits\s+TAKE_PROFIT \d+, STOP_LOSS \d+, TIMEOUT \d+/);
    expect(run.stdout).not.toMatch(/\d\.\d*0000000\d|\d\.\d*9999999\d|e[+-]\d/);
  }, 60_000);

  it('reads a Binance kline CSV as data.binance.vision publishes it (µs open times from 2025 on)', async () => {
    // exchange-mock's ETHUSDT day moved to 2025 and written as Binance writes spot klines there.
    const shift = Date.UTC(2025, 0, 6) - Date.UTC(2022, 7, 15);
    const lines = loadReplayCandles('ethusdt-1m-2022-08-15').map((c) => {
      const open = (c.openTime + shift) * 1000;
      return [open, c.open, c.high, c.low, c.close, c.volume, open + 59_999_999, 0, 1, 0, 0, 0].join(',');
    });
    const file = join(mkdtempSync(join(tmpdir(), 'trd-backtest-klines-')), 'ETHUSDT-1m-2025-01.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await backtest([
      '--candles',
      file,
      '--symbol',
      'ETHUSDT',
      '--trading-hours',
      'always',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BacktestReport;
    expect(report.period.to).toBe('2025-01-06T11:59:00.000Z');
    expect(report.bars).toBe(lines.length - 99);
    expect(report.totalTrades).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a bad argument with exit code 2, naming it', async () => {
    const run = await backtest(['--balance', 'lots', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--balance');
    expect(run.stderr).toContain('must be a decimal number');
  }, 60_000);

  it('sweeps a small grid in worker threads: progress on stderr, the winner in and out of sample', async () => {
    const run = await backtest([
      '--sweep',
      'takeProfitPercent=0.2,0.6',
      '--sweep',
      'stopLossPercent=0.3:0.5:0.2',
      '--trading-hours',
      'always',
      '--holdout',
      '40%',
      '--threads',
      '2',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/sweep \[#+\] 7\/7\n$/);
    const result = JSON.parse(run.stdout) as SweepResult;
    expect(result.metric).toBe('netProfitLoss');
    expect(result.inSample.map((entry) => entry.config)).toEqual(
      expect.arrayContaining([
        { takeProfitPercent: 0.2, stopLossPercent: 0.3 },
        { takeProfitPercent: 0.2, stopLossPercent: 0.5 },
        { takeProfitPercent: 0.6, stopLossPercent: 0.3 },
        { takeProfitPercent: 0.6, stopLossPercent: 0.5 },
      ]),
    );
    expect(result.best.config).toEqual(result.inSample[0]!.config);
    // 40% of the 261 stepped minutes held out, after the in-sample part.
    const minutes = (part: { from: number; to: number }) => (part.to - part.from) / 60_000 + 1;
    expect(minutes(result.split.holdout)).toBe(104);
    expect(result.split.holdout.from).toBe(result.split.inSample.to + 60_000);
    expect(result.best.holdout.steps).toBe(104);
  }, 120_000);

  it('refuses sweep options without --sweep and a sweep of an unknown setting', async () => {
    const run = await backtest(['--metric', 'winRate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--metric: only applies with --sweep');
    const bad = await backtest(['--sweep', 'leverage=1:3:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sweep: cannot sweep "leverage"');
  }, 60_000);
});
