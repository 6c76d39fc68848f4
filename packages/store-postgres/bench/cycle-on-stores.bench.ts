/**
 * One trading cycle of the real engine on the memory store and on the embedded PostgreSQL store,
 * side by side in one run, at 1,000, 10,000 and 100,000 active users: every user holds, every
 * user buys (a journalled market entry and an OCO exit each), then a monitor pass with every user
 * holding that position. Prints ms per cycle, µs per user and the PostgreSQL/memory ratio.
 *
 * Run: `pnpm --filter @trd/store-postgres bench` (or the root `pnpm bench`). Not part of
 * `pnpm test`: the figures depend on the machine. Flags:
 *   --skip-100k        leave out 100,000 users (the PostgreSQL buy cycle at 100,000 takes minutes)
 *   --sizes=1000,5000  other sizes
 *   --stores=postgres  only one store (memory, postgres)
 *   --cases=hold       only the hold cycle (`buy` is the buy cycle and the monitor pass after it)
 *   --log-slow=50      print PostgreSQL's log of statements slower than 50 ms (to find a slow query)
 *   --store-calls      print each store method's calls and summed latency per case, and the
 *                      process's CPU time per cycle (where the time goes)
 *   --concurrency=64   the engine's tradeConcurrency (default: the engine's, 256)
 *
 * A second table times the store's share of a batched cycle alone (what the engine asks once it
 * uses the batch methods): active configs, open positions and unfinished intents, the heartbeat
 * and the claim, the recent closed trades and today's counts of every user, and one hold analysis
 * per user written with `recordAnalyses` in chunks of 1,000.
 *
 * The PostgreSQL server is the store's embedded one in a temporary directory with `fsync=off`,
 * `synchronous_commit=off` and `full_page_writes=off` (throwaway data, as in the tests); the
 * tables are emptied between cases, so each case starts from the same state.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type Signal,
  type Store,
  VirtualClock,
} from '@trd/core';
import { createScriptedAnalyzer } from '@trd/core/testing';
import { createMockExchange } from '@trd/exchange-mock';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/embedded-postgres';
import { createPostgresStore, type PostgresStore } from '../src/index';

const START = Date.UTC(2025, 5, 2, 9, 0);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
type StoreKind = 'memory' | 'postgres';
type Case = 'hold' | 'buy' | 'monitor';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const sizes = flag('sizes')
  ?.split(',')
  .map((size) => Number(size.replaceAll('_', ''))) ?? [
  1_000,
  10_000,
  ...(args.includes('--skip-100k') ? [] : [100_000]),
];
const storeKinds = (flag('stores')?.split(',') as StoreKind[] | undefined) ?? ['memory', 'postgres'];
const logSlowMs = flag('log-slow');
const storeCalls = args.includes('--store-calls');
const concurrency = flag('concurrency') ? Number(flag('concurrency')) : undefined;
const answers = (flag('cases')?.split(',') as ('hold' | 'buy')[] | undefined) ?? ['hold', 'buy'];

let server: EmbeddedPostgres | undefined;
let postgres: PostgresStore | undefined;

/** The PostgreSQL store, emptied: every case starts from no users. */
async function emptyPostgres(clock: VirtualClock): Promise<PostgresStore> {
  if (!server) {
    const root = await mkdtemp(join(tmpdir(), 'trd-bench-'));
    await chmod(root, 0o755);
    const started = await startEmbeddedPostgres({
      dataDir: join(root, 'data'),
      postgresFlags: [
        ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
        ...(logSlowMs ? ['-c', `log_min_duration_statement=${logSlowMs}`] : []),
      ],
      ...(logSlowMs
        ? { logger: (line: string) => line.includes('duration:') && console.error(line.slice(0, 400)) }
        : {}),
    });
    server = {
      ...started,
      async stop() {
        await started.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  }
  await postgres?.close();
  const socketUrl = process.env.SOCK
    ? server.url.replace('127.0.0.1:', 'localhost:') +
      '?host=' +
      encodeURIComponent(server.dataDir) +
      '&port=' +
      server.port
    : server.url;
  postgres = await createPostgresStore({ url: socketUrl, clock });
  await postgres.query(
    `truncate "portfolio_dust", "portfolio", "open_positions", "trades", "order_intents", "analysis_records",
       "trading_configs", "user_leases", "engine_heartbeats"`,
  );
  await postgres.query('vacuum analyze');
  return postgres;
}

/** `users` active configs, written in one statement (the setup is not what is measured). */
async function seed(kind: StoreKind, users: number, clock: VirtualClock): Promise<Store> {
  const configs = Array.from({ length: users }, (_, i) =>
    defaultTradingConfig(`user-${i.toString().padStart(6, '0')}`, {
      isActive: true,
      symbol: SYMBOLS[i % SYMBOLS.length] as string,
    }),
  );
  if (kind === 'memory') {
    const store = createMemoryStore({ clock });
    for (const config of configs) await store.saveConfig(config);
    return store;
  }
  const store = await emptyPostgres(clock);
  const rows = configs.map((config) => ({
    user_id: config.userId,
    symbol: config.symbol,
    is_active: config.isActive,
    risk_percent: config.riskPercent,
    max_position_percent: config.maxPositionPercent,
    max_daily_trades: config.maxDailyTrades,
    min_confidence: config.minConfidence,
    take_profit_percent: config.takeProfitPercent,
    stop_loss_percent: config.stopLossPercent,
    updated_at: clock.now(),
  }));
  await store.query(
    `insert into "trading_configs" select * from json_populate_recordset(null::"trading_configs", ?::json)`,
    [JSON.stringify(rows)],
  );
  await store.query('analyze');
  return store;
}

interface Measured {
  hold?: number;
  buy?: number;
  monitor?: number;
}

/** The store with every method's calls counted and their latencies summed (`--store-calls`). */
function timedStore(store: Store, label: string): { store: Store; report(): void } {
  const calls = new Map<string, { count: number; ms: number }>();
  const timed = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...params: unknown[]) => {
        const started = performance.now();
        try {
          return await value.apply(target, params);
        } finally {
          const entry = calls.get(property) ?? { count: 0, ms: 0 };
          entry.count++;
          entry.ms += performance.now() - started;
          calls.set(property, entry);
        }
      };
    },
  });
  return {
    store: timed,
    report() {
      const lines = [...calls].map(
        ([name, { count, ms }]) =>
          `${name} ×${count} ${ms.toFixed(0)} ms (${((ms * 1000) / count).toFixed(0)} µs each)`,
      );
      console.error(`${label} store calls: ${lines.join('; ')}`);
    },
  };
}

/** Hold cycle on one seeded store; buy cycle then monitor pass on another. */
async function measure(kind: StoreKind, users: number): Promise<Measured> {
  const run = async (answer: 'hold' | 'buy') => {
    const clock = new VirtualClock(START);
    const exchange = createMockExchange({
      clock,
      feeds: {
        BTCUSDT: { kind: 'random-walk', seed: 1, startPrice: 60_000, volatility: 0.0005 },
        ETHUSDT: { kind: 'random-walk', seed: 2, startPrice: 3_000, volatility: 0.0005 },
      },
    });
    const seeded = await seed(kind, users, clock);
    const timing = storeCalls ? timedStore(seeded, `${kind} ${users} ${answer}`) : undefined;
    const store = timing?.store ?? seeded;
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
      instanceId: `bench-${kind}`,
      ...(concurrency ? { settings: { tradeConcurrency: concurrency } } : {}),
    });
    const errors: unknown[] = [];
    bot.on('error', (event) => errors.push(event));
    global.gc?.();
    let started = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await bot.runCycle();
    const cycleMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    if (storeCalls)
      console.error(
        `${kind} ${users} ${answer}: ${cycleMs.toFixed(0)} ms, of which this process on the CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
      );
    analyzer.inputs.length = 0;
    if (report.analysed !== users || errors.length > 0)
      throw new Error(
        `${kind} ${answer} cycle went wrong: ${JSON.stringify(report)}, ${errors.length} errors`,
      );
    if (answer === 'buy' && report.opened !== users)
      throw new Error(`${kind} buy cycle opened ${report.opened} of ${users}`);
    timing?.report();
    if (answer === 'hold') return { cycleMs, monitorMs: 0 };

    // Every user now holds a position whose OCO is open at the venue: the monitor's steady state.
    started = performance.now();
    const monitor = await bot.monitorPositions();
    const monitorMs = performance.now() - started;
    if (monitor.checked !== users || monitor.errors > 0 || errors.length > 0)
      throw new Error(`${kind} monitor pass went wrong: ${JSON.stringify(monitor)}`);
    return { cycleMs, monitorMs };
  };
  const measured: Measured = {};
  if (answers.includes('hold')) measured.hold = (await run('hold')).cycleMs;
  if (answers.includes('buy')) {
    const buy = await run('buy');
    measured.buy = buy.cycleMs;
    measured.monitor = buy.monitorMs;
  }
  return measured;
}

/** The store calls of one batched hold cycle, without the engine: ms. */
async function measureStoreSide(kind: StoreKind, users: number): Promise<number> {
  const clock = new VirtualClock(START);
  const store = await seed(kind, users, clock);
  const owner = `bench-${kind}`;
  global.gc?.();
  const started = performance.now();
  const steps: string[] = [];
  let last = started;
  const step = (name: string) => {
    const now = performance.now();
    steps.push(`${name} ${(now - last).toFixed(0)}`);
    last = now;
  };
  const configs = await store.activeConfigs();
  step('configs');
  await Promise.all([store.openPositions(), store.unfinishedIntents()]);
  step('positions+intents');
  const ids = configs.map((config) => config.userId);
  await store.liveOwners?.(owner, 180_000);
  const claimed = (await store.claimUsers?.(owner, ids, 180_000, { maxUsers: ids.length })) ?? ids;
  step('claim');
  const dayStart = START - (START % 86_400_000);
  await Promise.all([store.recentClosedTradesOf(claimed, 15), store.countTradesSinceOf(claimed, dayStart)]);
  step('history+counts');
  for (let i = 0; i < claimed.length; i += 1_000) {
    await store.recordAnalyses(
      claimed.slice(i, i + 1_000).map((userId) => ({
        id: `analysis-${userId}-${START}`,
        userId,
        symbol: 'BTCUSDT',
        analyzer: 'scripted',
        signal: { action: 'hold' as const, confidence: 0 },
        price: 60_000,
        createdAt: START,
      })),
    );
  }
  step('analyses');
  const ms = performance.now() - started;
  console.error(`${kind} ${users} store side (ms): ${steps.join(', ')}`);
  if (claimed.length !== users)
    throw new Error(`${kind} store-side cycle claimed ${claimed.length} of ${users}`);
  return ms;
}

const results = new Map<string, Measured>();
const storeSide = new Map<string, number>();
try {
  for (const kind of storeKinds) await measure(kind, 200); // warm-up: JIT, pool, plans
  for (const users of sizes) {
    for (const kind of storeKinds) {
      const measured = await measure(kind, users);
      results.set(`${kind}:${users}`, measured);
      storeSide.set(`${kind}:${users}`, await measureStoreSide(kind, users));
      console.error(
        `${kind} ${users}: ${JSON.stringify(measured, (_, value) => (typeof value === 'number' ? Math.round(value) : value))} ms`,
      );
    }
  }
} finally {
  await postgres?.close();
  await server?.stop();
}

const cases: [Case, string][] = [
  ['hold', 'cycle, all hold'],
  ['buy', 'cycle, all buy (entry + OCO)'],
  ['monitor', 'monitor pass, all in a position'],
];
const cell = (ms: number | undefined, users: number) =>
  ms === undefined
    ? '— | —'
    : `${ms.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms | ${((ms * 1000) / users).toFixed(0)} µs`;
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
console.log(
  '| active users | case | memory store | µs / user | PostgreSQL store | µs / user | PG / memory |',
);
console.log('|---|---|---|---|---|---|---|');
for (const users of sizes) {
  for (const [key, label] of cases) {
    const memory = results.get(`memory:${users}`)?.[key];
    const pg = results.get(`postgres:${users}`)?.[key];
    const ratio = memory !== undefined && pg !== undefined ? `${(pg / memory).toFixed(1)}×` : '—';
    console.log(
      `| ${users.toLocaleString('en-US')} | ${label} | ${cell(memory, users)} | ${cell(pg, users)} | ${ratio} |`,
    );
  }
}

console.log('\nThe store calls of one batched hold cycle alone (no engine), users without history:');
console.log('| active users | memory store | µs / user | PostgreSQL store | µs / user | PG / memory |');
console.log('|---|---|---|---|---|---|');
for (const users of sizes) {
  const memory = storeSide.get(`memory:${users}`);
  const pg = storeSide.get(`postgres:${users}`);
  const ratio = memory !== undefined && pg !== undefined ? `${(pg / memory).toFixed(1)}×` : '—';
  console.log(
    `| ${users.toLocaleString('en-US')} | ${cell(memory, users)} | ${cell(pg, users)} | ${ratio} |`,
  );
}
