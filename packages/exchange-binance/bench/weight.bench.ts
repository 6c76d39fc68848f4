/**
 * Request weight per minute of the engine with this adapter against the strict local Binance,
 * which charges Binance's documented weights (test/fake-binance/endpoints.ts). For each size:
 * N users on S symbols, 10 % of them in a position (opened in minute 0, not measured), then 1 % of
 * the users entering each minute, one trading cycle and one monitor pass a minute on a virtual
 * clock; weight per minute is what the fake charged in minutes 1..MINUTES, averaged, with the
 * heaviest minute and the endpoints that cost most. Run with `pnpm bench`; not part of `pnpm test`.
 *
 * USERS=100,1000,10000 SYMBOLS=1,50 MINUTES=4 STREAM=off,on,tuned pnpm bench:weight
 */
import {
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type Signal,
  VirtualClock,
} from '@trd/core';
import { createScriptedAnalyzer } from '@trd/core/testing';
import { createBinanceExchange } from '../src/index';
import { startFakeBinance } from '../test/fake-binance/index';

const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback).split(',').map((part) => part.trim());
const userCounts = list(process.env.USERS, '100,1000,10000').map(Number);
const symbolCounts = list(process.env.SYMBOLS, '1,50').map(Number);
// off: REST polling, the defaults; on: the user data stream; tuned: the stream and priceMaxAgeMs
// 1000; warm: tuned, with every account's stream subscribed and its balances snapshot taken in
// minute 0 (a server that has run a while: entering users are not first-time users).
const streams = list(process.env.STREAM, 'off,on,tuned,warm');
const minutes = Number(process.env.MINUTES ?? 4);
const BUDGET = 6000;
// 2024-09-21 02:00:30 UTC, inside the BTCUSDT fixture day.
const START = Date.UTC(2024, 8, 21, 2, 0, 30);
const PRICE = 62883.95;

interface Result {
  users: number;
  symbols: number;
  stream: string;
  perMinute: number;
  maxMinute: number;
  positions: number;
  top: string;
  seconds: number;
}

async function run(users: number, symbolCount: number, mode: string): Promise<Result> {
  const stream = mode !== 'off';
  const started = performance.now();
  const clock = new VirtualClock(START);
  const extra = Array.from(
    { length: Math.max(0, symbolCount - 1) },
    (_, index) => `S${String(index + 1).padStart(2, '0')}USDT`,
  );
  const symbols = ['BTCUSDT', ...extra];
  const keys = Array.from({ length: users }, (_, index) => ({
    apiKey: `bench-user-${index}-key`,
    secret: `bench-user-${index}-secret`,
  }));
  const fake = await startFakeBinance({
    now: () => clock.now(),
    accounts: keys.map((key) => ({ ...key, balances: { USDT: '1000' } })),
    cloneSymbols: { from: 'BTCUSDT', symbols: extra },
    weightLimit: Number.MAX_SAFE_INTEGER,
  });
  const exchange = createBinanceExchange({
    baseUrl: fake.url,
    clock,
    requestWeight: { limitPerMinute: Number.MAX_SAFE_INTEGER },
    orderLookup: { attempts: 1 },
    userDataStream: stream,
    ...(mode === 'tuned' || mode === 'warm' ? { priceMaxAgeMs: 1000 } : {}),
  });
  const store = createMemoryStore({ clock });
  const userId = (index: number) => `u${index}`;
  for (let index = 0; index < users; index++) {
    await store.saveConfig(
      defaultTradingConfig(userId(index), {
        isActive: true,
        symbol: symbols[index % symbols.length] as string,
      }),
    );
  }
  const analyzer = createScriptedAnalyzer({ action: 'hold', confidence: 0 });
  const buy: Signal = {
    action: 'buy',
    confidence: 80,
    entryPrice: PRICE,
    stopLoss: PRICE * 0.99,
    takeProfit: PRICE * 1.01,
  };
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (id) => exchange.account(keys[Number(id.slice(1))] as { apiKey: string; secret: string }),
    analyzer,
    store,
    clock,
    // Personal analysis: the scripted answers say which users enter this minute.
    settings: {
      tradingHours: null,
      positionTimeoutMs: 24 * 60 * 60_000,
      analysisConcurrency: 32,
      analysisMode: 'personal',
    },
  });
  let next = 0;
  const enter = (count: number) => {
    analyzer.script({ action: 'hold', confidence: 0 });
    for (let entered = 0; entered < count && next < users; entered++) analyzer.script(buy, userId(next++));
  };
  const hold = () => {
    for (let index = 0; index < next; index++)
      analyzer.script({ action: 'hold', confidence: 0 }, userId(index));
  };
  const weights: number[] = [];
  let positions = 0;
  if (mode === 'warm') {
    for (const key of keys) await exchange.account(key).balances();
    const started = Date.now();
    while (keys.some((key) => !exchange.userDataStream(key)?.healthy) && Date.now() - started < 60_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    for (const key of keys) await exchange.account(key).balances();
  }
  for (let minute = 0; minute <= minutes; minute++) {
    const before = fake.server.totalWeight;
    hold();
    enter(minute === 0 ? Math.round(users * 0.1) : Math.max(1, Math.round(users * 0.01)));
    const cycle = await bot.runCycle();
    positions += cycle.opened;
    await bot.monitorPositions();
    if (minute > 0) weights.push(fake.server.totalWeight - before);
    await clock.advance(60_000);
    // Let pushed events land between minutes (real sockets).
    if (stream) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const minuteOne = new Map<string, number>();
  for (const [endpoint, weight] of fake.server.weightByEndpoint) minuteOne.set(endpoint, weight);
  const top = [...minuteOne]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([endpoint, weight]) => `${endpoint.replace('/api/v3/', '')} ${weight}`)
    .join(', ');
  await exchange.close?.();
  await fake.close();
  return {
    users,
    symbols: symbolCount,
    stream: mode,
    perMinute: Math.round(weights.reduce((sum, weight) => sum + weight, 0) / weights.length),
    maxMinute: Math.max(...weights),
    positions,
    top,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

console.log(
  `weight per minute, minutes 1..${minutes} (minute 0 opens the 10 % in a position); budget ${BUDGET}/min`,
);
console.log(
  '| users | symbols | stream | weight/min | heaviest minute | % of budget | positions | run (s) | total by endpoint (whole run) |',
);
console.log('| ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const users of userCounts) {
  for (const symbols of symbolCounts) {
    for (const stream of streams) {
      const result = await run(users, symbols, stream);
      console.log(
        `| ${result.users} | ${result.symbols} | ${result.stream} | ${result.perMinute} | ${result.maxMinute} | ${((result.perMinute / BUDGET) * 100).toFixed(1)} | ${result.positions} | ${result.seconds} | ${result.top} |`,
      );
    }
  }
}
