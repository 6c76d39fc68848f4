/**
 * `GET /portfolio` and `GET /trading/trades` under autocannon at fixed rates, on the real server.
 * Run: `pnpm --filter @trd/server-example bench` (or `pnpm bench` at the root). Not part of
 * `pnpm test`: figures depend on the machine. Takes about 2 minutes.
 *
 * The server is `src/main.ts` as a child process (what `pnpm start` runs: the embedded PostgreSQL,
 * the simulated exchange, the engine running its cycles, pino logging every request to the log
 * file), configured only through its environment. The load comes from this process, so the two
 * share the machine. The rate limit is raised with `RATE_LIMIT_PER_MINUTE`, not switched off.
 *
 * Before the server starts, one user is seeded straight into its database: 300 closed trades (a
 * few of them today), so the portfolio has totals and dust and the trade history has pages. On that
 * store the bench first times each store read the two routes make, on its own, in this process.
 *
 * Besides latency, each row says how much CPU the server process and its PostgreSQL spent per
 * request (from `/proc`, Linux only): on a shared machine that figure moves less than latency does.
 *
 * Options (environment): `BENCH_RATES=200,500,1000`, `BENCH_SECONDS=10`, `BENCH_CONNECTIONS=50`,
 * `BENCH_CPU_PROFILE=<dir>` (the server writes a V8 CPU profile there when it stops).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DustHolding, type OrderIntent, openPositionOf, systemClock, type Trade } from '@trd/core';
import { createPostgresStore, type PostgresStore } from '@trd/store-postgres';
import autocannon from 'autocannon';
import { hashPassword } from '../src/security/password-hasher';

const packageDir = join(import.meta.dirname, '..');
const RATES = (process.env.BENCH_RATES ?? '200,500,1000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CLOSED_TRADES = 300;
const USERNAME = 'bench-user';
const PASSWORD = 'bench-password-0123';
const ALL_ROUTES = ['/portfolio', '/trading/trades?limit=20'];
/** `BENCH_ROUTES=/trading/trades?limit=20` runs one route (e.g. to profile it alone). */
const ROUTES = process.env.BENCH_ROUTES ? process.env.BENCH_ROUTES.split(',') : ALL_ROUTES;

interface Row {
  route: string;
  target: number;
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU ms per 1,000 requests: the server's Node processes, and its PostgreSQL (every backend). */
  serverCpu: number | null;
  postgresCpu: number | null;
}

/**
 * CPU ms of the process tree under `pid` (the launcher, the server it runs, the embedded
 * PostgreSQL's processes), split by program: PostgreSQL's processes, and every other (the
 * server's Node processes). From `/proc`; null elsewhere.
 */
function cpuOfTree(pid: number): { node: number; postgres: number } | null {
  try {
    const ticksToMs = 1000 / 100; // USER_HZ is 100 on Linux
    const stats = new Map<number, { parent: number; ms: number; postgres: boolean }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name is in parentheses and may hold spaces; the fields follow it.
        const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(entry), {
          parent: Number(fields[1]),
          ms: (Number(fields[11]) + Number(fields[12])) * ticksToMs,
          postgres: command === 'postgres',
        });
      } catch {
        // the process ended meanwhile
      }
    }
    if (!stats.has(pid)) return null;
    const cpu = { node: 0, postgres: 0 };
    for (const [id, stat] of stats) {
      for (let at = id; at > 1; at = stats.get(at)?.parent ?? 0) {
        if (at === pid) {
          if (stat.postgres) cpu.postgres += stat.ms;
          else cpu.node += stat.ms;
          break;
        }
      }
    }
    return cpu;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The entry intent, the trade and its exit of a trade opened at `openedAt`, as the engine records them. */
function closedTrade(userId: string, index: number, openedAt: number) {
  const win = index % 3 !== 0;
  const id = `bench-trade-${String(index).padStart(4, '0')}`;
  const intent: OrderIntent = {
    clientOrderId: `bench-entry-${index}`,
    userId,
    kind: 'entry',
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.01586',
    tradeId: id,
    state: 'pending',
    confidence: 80,
    createdAt: openedAt,
    updatedAt: openedAt,
  };
  const trade: Trade = {
    id,
    userId,
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'filled',
    quantity: '0.01586',
    entryPrice: '63042.11',
    entryFee: '0.00001586',
    takeProfit: '63231.24',
    stopLoss: '62726.9',
    confidence: 80,
    clientOrderId: intent.clientOrderId,
    entryOrderId: `bench-order-${index}`,
    exitRef: `bench-oco-${index}`,
    openedAt,
  };
  const dust: DustHolding = { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.00001', cost: '0.63' };
  const exit = {
    tradeId: id,
    exitPrice: win ? '63231.24' : '62726.9',
    exitFee: '1.0028',
    exitReason: win ? ('TAKE_PROFIT' as const) : ('STOP_LOSS' as const),
    exitQuantity: '0.01585',
    dust,
    profitLoss: win ? '1.99' : '-6.01',
    profitLossPercent: win ? '0.2' : '-0.6',
    closedAt: openedAt + 240_000,
    durationSeconds: 240,
  };
  return { intent, trade, exit };
}

interface StoreCallCost {
  call: string;
  cpuMicros: number;
  wallMicros: number;
}

/**
 * What each store read of the two routes costs on its own, in this process, one after another:
 * the floor under the routes' CPU per request (the server runs on one Node thread).
 */
async function storeCallCosts(store: PostgresStore, userId: string): Promise<StoreCallCost[]> {
  const since = Date.now() - (Date.now() % 86_400_000);
  const calls: Record<string, () => Promise<unknown>> = {
    'getPortfolio (GET /portfolio)': () => store.getPortfolio(userId),
    'openPositions (GET /portfolio)': () => store.openPositions(userId),
    'countTradesSince (GET /portfolio)': () => store.countTradesSince(userId, since),
    'listTrades, 20 (GET /trading/trades)': () => store.listTrades(userId, { limit: 20, offset: 0 }),
    "query('select 1'): one round trip, no ORM": () => store.query('select 1 as ok'),
  };
  const costs: StoreCallCost[] = [];
  for (const [call, run] of Object.entries(calls)) {
    for (let i = 0; i < 200; i++) await run();
    let cpuMicros = Number.POSITIVE_INFINITY;
    let wallMicros = Number.POSITIVE_INFINITY;
    // The best of five rounds: the machine may be busy with something else.
    for (let round = 0; round < 5; round++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < 300; i++) await run();
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros = Math.min(cpuMicros, (cpu.user + cpu.system) / 300);
      wallMicros = Math.min(wallMicros, ((performance.now() - started) * 1000) / 300);
    }
    costs.push({ call, cpuMicros: Math.round(cpuMicros), wallMicros: Math.round(wallMicros) });
  }
  return costs;
}

/** The user and their history, written into the embedded PostgreSQL the server will open. */
async function seed(dataDir: string): Promise<StoreCallCost[]> {
  const store = await createPostgresStore({ dataDir: join(dataDir, 'postgres'), clock: systemClock });
  try {
    const user = await store.users.create({
      username: USERNAME,
      email: `${USERNAME}@example.com`,
      passwordHash: await hashPassword(PASSWORD),
    });
    const now = Date.now();
    for (let i = 0; i < CLOSED_TRADES; i++) {
      // Oldest first, ten minutes apart; the last few open today.
      const { intent, trade, exit } = closedTrade(user.id, i, now - (CLOSED_TRADES - i) * 600_000);
      await store.journalIntent(intent);
      await store.recordOpenedTrade({
        trade,
        position: openPositionOf(trade, { exitRef: trade.exitRef! }),
        intentClientOrderId: intent.clientOrderId,
      });
      await store.recordClosedTrade(exit);
    }
    return await storeCallCosts(store, user.id);
  } finally {
    await store.close();
  }
}

function startServer(
  dataDir: string,
  logDir: string,
  port: number,
): { child: ChildProcess; output: () => string } {
  // Node runs main.ts with tsx as a loader, so SIGTERM reaches the server itself.
  const profile = process.env.BENCH_CPU_PROFILE;
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', '--conditions=source', 'src/main.ts'], {
    cwd: packageDir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_DIR: logDir,
      // The bench client is one address sending up to 1,000 requests a second.
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    // The server's stdout copy of the log is dropped; the log file is still written.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

async function waitForHealth(baseUrl: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function login(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function load(
  url: string,
  token: string,
  options: { rate?: number; seconds: number },
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: options.seconds,
    headers: { authorization: `Bearer ${token}` },
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
}

function formatTable(rows: Row[]): string {
  const header =
    '| route | target req/s | achieved req/s | p50 ms | p99 ms | errors / non-2xx | server CPU ms / 1k req | PostgreSQL CPU ms / 1k req |';
  const cpu = (value: number | null) => (value === null ? '–' : String(value));
  const lines = rows.map(
    (row) =>
      `| \`GET ${row.route}\` | ${row.target.toLocaleString('en-US')} | ${Math.round(row.achieved).toLocaleString('en-US')} | ${row.p50} | ${row.p99} | ${row.errors} / ${row.non2xx} | ${cpu(row.serverCpu)} | ${cpu(row.postgresCpu)} |`,
  );
  return [header, '|---|---:|---:|---:|---:|---:|---:|---:|', ...lines].join('\n');
}

const root = mkdtempSync(join(tmpdir(), 'trd-http-bench-'));
// As root, PostgreSQL runs as the `postgres` user, which must be able to reach DATA_DIR.
chmodSync(root, 0o755);
const dataDir = join(root, 'data');
let server: ReturnType<typeof startServer> | undefined;
try {
  console.log(`seeding ${USERNAME} with ${CLOSED_TRADES} closed trades…`);
  const storeCosts = await seed(dataDir);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  server = startServer(dataDir, join(root, 'logs'), port);
  await waitForHealth(baseUrl, server.output);
  const token = await login(baseUrl);

  const rows: Row[] = [];
  for (const route of ROUTES) {
    const url = `${baseUrl}${route}`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`${route}: ${check.status} ${await check.text()}`);
    await load(url, token, { seconds: 3 }); // warm-up: JIT, pool connections, caches
    for (const rate of RATES) {
      const before = cpuOfTree(server.child.pid!);
      const result = await load(url, token, { rate, seconds: SECONDS });
      const after = cpuOfTree(server.child.pid!);
      const perThousand = (ms: number) => Math.round((ms / Math.max(1, result.requests.total)) * 1000);
      rows.push({
        route: route.split('?')[0]!,
        target: rate,
        achieved: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        serverCpu: before && after ? perThousand(after.node - before.node) : null,
        postgresCpu: before && after ? perThousand(after.postgres - before.postgres) : null,
      });
      console.log(
        `${route} @ ${rate}/s: ${Math.round(result.requests.average)}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.errors + result.timeouts} errors, ${result.non2xx} non-2xx`,
      );
    }
  }

  console.log(
    `\nHTTP bench, ${SECONDS} s per rate, ${CONNECTIONS} connections, on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}\n`,
  );
  console.log(formatTable(rows));
  console.log('\nStore reads on their own (Node CPU and wall time per call, best of 5 × 300):\n');
  console.log('| store call | Node CPU µs | wall µs |\n|---|---:|---:|');
  for (const cost of storeCosts) console.log(`| \`${cost.call}\` | ${cost.cpuMicros} | ${cost.wallMicros} |`);
  const met = rows
    .filter((row) => row.target === 1000)
    .every((row) => row.achieved >= 990 && row.p99 < 50 && row.errors === 0 && row.non2xx === 0);
  console.log(`\ntarget (1,000 req/s sustained, p99 < 50 ms, no errors): ${met ? 'met' : 'NOT met'}`);
} finally {
  if (server) {
    const exited = new Promise((resolve) => server!.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
}
