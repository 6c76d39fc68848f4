/**
 * Backtest speed: a month of 1m candles (43,200 bars) through the full engine, with core's
 * technical analyzer and with an analyzer that always holds (the engine's own cost per bar).
 * Run with `pnpm bench`; not part of `pnpm test`. `USERS=10` runs ten users on the symbol.
 */
import { type Analyzer, createTechnicalAnalyzer, holdSignal } from '@trd/core';
import { runBacktest } from '../src/index';
import { monthOfCandles } from './month-of-candles';

const candles = monthOfCandles();
const userCount = Number(process.env.USERS ?? 1);
const users = Array.from({ length: userCount }, (_, i) => ({
  id: `user-${i}`,
  symbol: 'BTCUSDT',
  startingBalance: '10000',
}));
const alwaysHold: Analyzer = {
  specificationVersion: 'v1',
  name: 'always-hold',
  async analyze() {
    return holdSignal('bench');
  },
};

async function measure(name: string, analyzer: Analyzer): Promise<void> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { reports } = await runBacktest({
    markets: { BTCUSDT: candles },
    users,
    analyzer,
    from: candles[0]!.openTime,
    tradingHours: null,
  });
  const seconds = (performance.now() - started) / 1000;
  // CPU time as well: on a machine shared with other work, wall time says more about the neighbours.
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const report = reports[0]!;
  const rate = (time: number) => Math.round(report.steps / time).toLocaleString('en');
  console.log(
    `${name.padEnd(12)} ${report.steps} bars × ${userCount} user(s): ${seconds.toFixed(2)} s wall ` +
      `(${rate(seconds)} bars/s), ${cpuSeconds.toFixed(2)} s CPU (${rate(cpuSeconds)} bars/s); ` +
      `${report.totalTrades} trades, net P&L ${report.netProfitLoss} ${report.quoteAsset}, ${report.errors.length} errors`,
  );
}

// A first short run warms the JIT up, as a research loop of many backtests would be.
await runBacktest({
  markets: { BTCUSDT: candles.slice(0, 2_000) },
  users,
  analyzer: createTechnicalAnalyzer(),
  tradingHours: null,
});
await measure('technical', createTechnicalAnalyzer());
await measure('always-hold', alwaysHold);
