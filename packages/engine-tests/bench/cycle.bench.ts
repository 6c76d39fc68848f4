/**
 * One trading cycle for 1 000 and 10 000 active users on the mock exchange with a stub analyzer.
 * Run: `pnpm --filter @trd/core bench`. Not part of `pnpm test`: figures depend on the machine.
 *
 * Two cases per size: every user holds (the cost of the cycle itself: store reads, one candle
 * fetch per symbol, analysis fan-out, audit records), and every user buys (plus balances, risk,
 * a journalled market entry and an OCO exit per user).
 */
import { performance } from 'node:perf_hooks';
import {
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type Signal,
  VirtualClock,
} from '@trd/core';
import { createScriptedAnalyzer } from '@trd/core/testing';
import { createMockExchange } from '@trd/exchange-mock';

const START = Date.UTC(2025, 5, 2, 9, 0);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

async function measure(
  users: number,
  answer: 'hold' | 'buy',
): Promise<{ ms: number; heapMb: number; opened: number }> {
  const clock = new VirtualClock(START);
  const exchange = createMockExchange({
    clock,
    feeds: {
      BTCUSDT: { kind: 'random-walk', seed: 1, startPrice: 60_000, volatility: 0.0005 },
      ETHUSDT: { kind: 'random-walk', seed: 2, startPrice: 3_000, volatility: 0.0005 },
    },
  });
  const store = createMemoryStore({ clock });
  for (let i = 0; i < users; i++) {
    await store.saveConfig(
      defaultTradingConfig(`user-${i}`, { isActive: true, symbol: SYMBOLS[i % SYMBOLS.length] }),
    );
  }
  const analyzer = createScriptedAnalyzer(
    answer === 'hold'
      ? { action: 'hold', confidence: 0 }
      : (input): Signal => {
          const price = input.market.price;
          return {
            action: 'buy',
            confidence: 80,
            entryPrice: price,
            stopLoss: price * 0.995,
            takeProfit: price * 1.003,
          };
        },
  );
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'bench' }),
    analyzer,
    store,
    clock,
  });
  let errors = 0;
  bot.on('error', () => errors++);
  analyzer.inputs.length = 0;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const report = await bot.runCycle();
  const ms = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  if (report.analysed !== users || errors > 0)
    throw new Error(`bench cycle went wrong: ${JSON.stringify(report)}, ${errors} errors`);
  return { ms, heapMb, opened: report.opened };
}

const rows: string[] = [];
for (const users of [1_000, 10_000]) {
  for (const answer of ['hold', 'buy'] as const) {
    await measure(Math.min(users, 200), answer); // warm-up
    const { ms, heapMb, opened } = await measure(users, answer);
    rows.push(
      `| ${users.toLocaleString('en-US')} | ${answer === 'hold' ? 'hold (analysis only)' : 'buy (entry + OCO each)'} | ${ms.toFixed(0)} ms | ${(ms / users).toFixed(3)} ms | ${opened} | ${heapMb.toFixed(1)} MB |`,
    );
  }
}
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
console.log('| active users | stub analyzer answers | one cycle | per user | trades opened | heap growth |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
