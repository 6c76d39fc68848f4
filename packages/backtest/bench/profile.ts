/** One backtest of a month for `node --cpu-prof`: `ANALYZER=hold` for the engine alone. */
import { type Analyzer, createTechnicalAnalyzer, holdSignal } from '@trd/core';
import { runBacktest } from '../src/index';
import { monthOfCandles } from './month-of-candles';

const candles = monthOfCandles();
const analyzer: Analyzer =
  process.env.ANALYZER === 'hold'
    ? { specificationVersion: 'v1', name: 'hold', analyze: async () => holdSignal('profile') }
    : createTechnicalAnalyzer();
const started = process.cpuUsage();
const { reports } = await runBacktest({
  markets: { BTCUSDT: candles },
  users: [{ id: 'user', symbol: 'BTCUSDT', startingBalance: '10000' }],
  analyzer,
  from: candles[0]!.openTime,
  tradingHours: null,
});
const cpu = process.cpuUsage(started);
console.log(`${reports[0]!.steps} bars, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`);
