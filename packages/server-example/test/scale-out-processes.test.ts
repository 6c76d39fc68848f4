import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGeminiServer, geminiAnswerBody } from '@trd/ai-gemini/testing';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@trd/store-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBinance, startFakeBinance } from '../../exchange-binance/test/fake-binance/index';
import { engineInstanceId } from '../src/runtime/engine-instance-id';
import { apiClient, openSocket } from './helpers/api-client';
import { keysOf, TEST_CREDENTIALS_KEY } from './helpers/binance-server';
import { dashboardUrl, type RunningProcess, startMain } from './helpers/main-process';

// Issue 14: three real server processes (the server's own entry, `src/server-process.ts`) on one
// PostgreSQL, trading on one venue (the local fake Binance over real HTTP, as a real venue is
// shared by every process). A socket on a process that does not trade the user gets the user's
// events; a close sent to a third process runs on the owner; a SIGKILLed owner's user moves within
// the lease TTL and its position is still watched (the exit fills, the trade closes); a SIGTERMed
// owner hands its user over at once.
const LEASE_TTL_SECONDS = 8;
const COMMAND_TIMEOUT_SECONDS = 2;
const GEMINI_KEY = 'fake-gemini-key-for-the-scale-out-test';
const ALICE = keysOf('alice');
/** Users beside Alice, spread by the leases over the three processes. */
const OTHERS = ['bob', 'carol', 'dave', 'erin', 'frank'];

const SERVER_PROCESS: [string, ...string[]] = [
  process.execPath,
  '--import',
  'tsx',
  '--conditions=source',
  'src/server-process.ts',
];

interface Server {
  name: string;
  dataDir: string;
  instanceId: string;
  main: RunningProcess;
  url: string;
  api: ReturnType<typeof apiClient>;
}

let root: string;
let postgres: EmbeddedPostgres;
let fake: FakeBinance;
let database: pg.Client;
const gemini = new FakeGeminiServer({ apiKey: GEMINI_KEY });
/** What the fake analyst says: buy near the venue's price, or hold. */
let buying = false;
const servers: Server[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trd-scale-out-'));
  chmodSync(root, 0o755);
  postgres = await startEmbeddedPostgres({
    dataDir: join(root, 'postgres'),
    postgresFlags: ['-c', 'fsync=off'],
  });
  database = new pg.Client({ connectionString: postgres.url });
  await database.connect();
  fake = await startFakeBinance({
    rebaseCandlesTo: Date.now(),
    accounts: [ALICE, ...OTHERS.map((name) => keysOf(name))].map((keys) => ({
      ...keys,
      balances: { USDT: '1000', BTC: '0' },
    })),
  });
  await gemini.start();
  gemini.handle(() => {
    const price = Number(fake.venue.lastPrice('BTCUSDT'));
    return {
      status: 200,
      body: geminiAnswerBody(
        buying
          ? {
              signal: 'buy',
              confidence: 90,
              entry_price: price,
              stop_loss: price * 0.99,
              take_profit: price * 1.01,
              reasoning: 'fake analyst: buys',
            }
          : { signal: 'hold', confidence: 50, reasoning: 'fake analyst: waits' },
      ),
    };
  });
}, 120_000);

afterAll(async () => {
  for (const server of servers) server.main.child.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.main.exited));
  await database?.end().catch(() => {});
  await gemini.close();
  await fake?.close();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function boot(name: string): Promise<Server> {
  const dataDir = join(root, name);
  const main = startMain(
    {
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_DIR: join(root, `${name}-logs`),
      DATABASE_URL: postgres.url,
      JWT_SECRET: 'scale-out-test-jwt-secret-0123456789abcdef',
      CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
      EXCHANGE: 'binance',
      BINANCE_BASE_URL: fake.url,
      GEMINI_API_KEY: GEMINI_KEY,
      GEMINI_BASE_URL: gemini.baseUrl,
      SYMBOLS: 'BTCUSDT',
      TRADING_HOURS: 'always',
      ANALYSIS_MODE: 'personal',
      USER_COOLDOWN_SECONDS: '0',
      CYCLE_SECONDS: '1',
      MONITOR_SECONDS: '1',
      LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS),
      COMMAND_TIMEOUT_SECONDS: String(COMMAND_TIMEOUT_SECONDS),
      CLUSTER_CHANNEL: 'scale_out_test',
    },
    { command: SERVER_PROCESS },
  );
  const url = await dashboardUrl(main, 90_000);
  const server = { name, dataDir, instanceId: engineInstanceId(dataDir), main, url, api: apiClient(url) };
  servers.push(server);
  return server;
}

/** The engine holding the user's live lease, or null. */
async function leaseHolder(userId: string): Promise<string | null> {
  const { rows } = await database.query<{ owner: string }>(
    'select "owner" from "user_leases" where "user_id" = $1 and "expires_at" > $2',
    [userId, Date.now()],
  );
  return rows[0]?.owner ?? null;
}

async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const logs = servers.map((server) => `--- ${server.name}\n${server.main.output().slice(-4000)}`);
      throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Socket = Awaited<ReturnType<typeof openSocket>>;

/** The first message on `socket` that matches; on a timeout, what every process logged. */
async function seen(
  socket: Socket,
  predicate: Parameters<Socket['next']>[0],
  timeoutMs: number,
  what: string,
) {
  try {
    return await socket.next(predicate, timeoutMs);
  } catch {
    const logs = servers.map((server) => `--- ${server.name}\n${server.main.output().slice(-6000)}`);
    const types = socket.messages.map((m) => m.type).join(', ');
    throw new Error(`no ${what} on the socket (it got: ${types})\n${logs.join('\n')}`);
  }
}

/** Registers `name` on `server`, stores their keys, goes live and starts trading. */
async function tradingUser(server: Server, name: string) {
  const keys = keysOf(name);
  const { access_token: token, user } = await server.api.register(name);
  for (const [method, path, body] of [
    ['PUT', '/account/exchange-credentials', keys],
    ['PUT', '/account/trading-mode', { mode: 'live', confirm: true }],
    ['POST', '/trading/start', undefined],
  ] as const) {
    const answer = await server.api.request(method, path, { token, ...(body ? { body } : {}) });
    if (answer.status !== 200) throw new Error(`${name}: ${method} ${path}: ${answer.status}`);
  }
  return { name, token, id: user.id };
}

const openTrades = async (server: Server, token: string) =>
  (await server.api.request('GET', '/trading/trades?status=filled', { token })).body.trades as {
    id: string;
    status: string;
  }[];

describe('three server processes on one PostgreSQL', () => {
  it('carries events and commands across processes, and moves a dead owner’s user with its position', async () => {
    const started = await Promise.all(['one', 'two', 'three'].map((name) => boot(name)));
    const entry = started[0]!;
    const { access_token: token, user } = await entry.api.register('alice');
    expect(
      (await entry.api.request('PUT', '/account/exchange-credentials', { token, body: ALICE })).status,
    ).toBe(200);
    expect(
      (
        await entry.api.request('PUT', '/account/trading-mode', {
          token,
          body: { mode: 'live', confirm: true },
        })
      ).status,
    ).toBe(200);
    expect((await entry.api.request('POST', '/trading/start', { token })).status).toBe(200);

    // Five more users, each registered on another process: the leases spread them over the three.
    const others = await Promise.all(OTHERS.map((name, i) => tradingUser(started[i % 3]!, name)));
    const allIds = [user.id, ...others.map((other) => other.id)];
    await eventually(
      async () => {
        const holders = await Promise.all(allIds.map((id) => leaseHolder(id)));
        return holders.every(Boolean) && started.every((server) => holders.includes(server.instanceId));
      },
      30_000,
      'every user held, and every process holding some',
    );

    const health = await entry.api.request('GET', '/health');
    expect(health.body.checks).toMatchObject({ database: true, engine: true, cluster: true });

    // Whichever engine claims Alice first trades her: call it A, the two others B and C.
    const owner = await eventually(() => leaseHolder(user.id), 20_000, 'a process to claim alice');
    const a = started.find((server) => server.instanceId === owner)!;
    const [b, c] = started.filter((server) => server !== a) as [Server, Server];
    expect(a).toBeDefined();

    // A socket on B (which does not trade Alice) and one on A; every other user's on a process
    // that does not trade them either (never A, which is killed below).
    const onB = await openSocket(`${b.url.replace('http', 'ws')}/ws`, { token });
    const onA = await openSocket(`${a.url.replace('http', 'ws')}/ws`, { token });
    const elsewhere = await Promise.all(
      others.map(async (other) => {
        const holder = await leaseHolder(other.id);
        const on = holder === b.instanceId ? c : b;
        return {
          ...other,
          on,
          socket: await openSocket(`${on.url.replace('http', 'ws')}/ws`, { token: other.token }),
        };
      }),
    );

    buying = true;
    const opened = await seen(onB, (m) => m.type === 'trade:opened', 20_000, 'trade:opened on B');
    const othersOpened = await Promise.all(
      elsewhere.map((other) =>
        seen(other.socket, (m) => m.type === 'trade:opened', 20_000, `${other.name}'s trade:opened`),
      ),
    );
    buying = false;
    for (const [i, other] of elsewhere.entries())
      expect(othersOpened[i]!.trade.userId ?? other.id).toBe(other.id);
    const tradeId = opened.trade.id as string;
    await seen(onA, (m) => m.type === 'trade:opened', 5_000, 'trade:opened on A');
    await seen(
      onB,
      (m) => m.type === 'position:protected' && m.tradeId === tradeId,
      10_000,
      'position:protected',
    );
    expect(await leaseHolder(user.id)).toBe(a.instanceId);

    // A close sent to C runs on A: C answers with the closed trade, once.
    const closed = await c.api.request('POST', `/trading/close/${tradeId}`, { token });
    expect(closed.status).toBe(200);
    expect(closed.body.trade).toMatchObject({ id: tradeId, status: 'closed', exitReason: 'MANUAL' });
    const closedOnB = await seen(
      onB,
      (m) => m.type === 'trade:closed' && m.trade.id === tradeId,
      10_000,
      'the manual close',
    );
    expect(closedOnB.trade.exitReason).toBe('MANUAL');
    // A second close, anywhere, is refused: the trade is closed.
    expect((await b.api.request('POST', `/trading/close/${tradeId}`, { token })).status).toBe(409);
    // Each event reached each socket once (the local one directly, the other through NOTIFY).
    for (const socket of [onA, onB]) {
      const events = socket.messages.filter(
        (m) => (m.type === 'trade:opened' || m.type === 'trade:closed') && m.trade.id === tradeId,
      );
      expect(events.map((m) => m.type)).toEqual(['trade:opened', 'trade:closed']);
    }
    const marketSells = fake.ledger.filter(
      (entry) =>
        entry.method === 'POST' &&
        entry.path === '/api/v3/order' &&
        entry.params.side === 'SELL' &&
        entry.status === 200,
    );
    expect(marketSells).toHaveLength(1);

    // Stop, settings and start sent to processes that do not trade Alice: single-row writes, read by
    // her owner at its next cycle. Stopped, she does not trade even on a buy.
    expect((await c.api.request('POST', '/trading/stop', { token })).status).toBe(200);
    const configured = await b.api.request('PUT', '/trading/config', {
      token,
      body: { takeProfitPercent: 0.5 },
    });
    expect(configured.status).toBe(200);
    // A cycle already under way when the stop was written may still analyse her once.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const analysesBefore = onB.messages.filter((m) => m.type === 'analysis').length;
    buying = true;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(onB.messages.filter((m) => m.type === 'analysis').length).toBe(analysesBefore);
    expect(await openTrades(c, token)).toEqual([]);
    expect((await c.api.request('POST', '/trading/start', { token })).status).toBe(200);

    // A second trade, with the take profit set on B, then A is killed: its exits stay on the venue.
    const second = await seen(
      onB,
      (m) => m.type === 'trade:opened' && m.trade.id !== tradeId,
      20_000,
      'the second trade',
    );
    buying = false;
    const secondId = second.trade.id as string;
    expect(Number(second.trade.takeProfit) / Number(second.trade.entryPrice)).toBeCloseTo(1.005, 4);
    await seen(
      onB,
      (m) => m.type === 'position:protected' && m.tradeId === secondId,
      10_000,
      'the second protection',
    );
    const heldByA = (
      await Promise.all(allIds.map(async (id) => ((await leaseHolder(id)) === a.instanceId ? id : null)))
    ).filter((id): id is string => id !== null);
    expect(heldByA).toContain(user.id);
    await onA.close();
    a.main.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.main.exited;

    // Meanwhile a close cannot reach Alice's owner: 503 with retry advice, within the timeout.
    const askedAt = Date.now();
    const unanswered = await b.api.request('POST', `/trading/close/${secondId}`, { token });
    expect(unanswered.status).toBe(503);
    expect(Number(unanswered.headers.get('retry-after'))).toBe(LEASE_TTL_SECONDS);
    expect(unanswered.body.message).toMatch(/did not answer in time; retry in 8 s/);
    expect(Date.now() - askedAt).toBeLessThan(COMMAND_TIMEOUT_SECONDS * 1000 + 2_000);

    // B or C takes Alice within the lease TTL (plus a cycle).
    const successor = await eventually(
      async () => {
        const holder = await leaseHolder(user.id);
        return holder && holder !== a.instanceId ? holder : null;
      },
      (LEASE_TTL_SECONDS + 5) * 1000,
      'b or c to take alice over',
    );
    const movedAfterMs = Date.now() - killedAt;
    expect(movedAfterMs).toBeLessThan((LEASE_TTL_SECONDS + 3) * 1000);
    // Every user A held moved, not only Alice.
    await eventually(
      async () => {
        const holders = await Promise.all(heldByA.map((id) => leaseHolder(id)));
        return holders.every((holder) => holder === b.instanceId || holder === c.instanceId);
      },
      5_000,
      'every user of A to move',
    );
    const next = successor === b.instanceId ? b : c;
    const last = next === b ? c : b;
    expect(await openTrades(next, token)).toEqual([expect.objectContaining({ id: secondId })]);

    // The position is still watched: the price reaches its take profit, the exit fills, the new
    // owner records the close, and the event reaches B's socket whichever process traded it.
    const price = Number(fake.venue.lastPrice('BTCUSDT'));
    fake.setPrice('BTCUSDT', price * 1.02);
    const tookProfit = await seen(
      onB,
      (m) => m.type === 'trade:closed' && m.trade.id === secondId,
      20_000,
      'the take profit',
    );
    expect(tookProfit.trade.exitReason).toBe('TAKE_PROFIT');
    // Every other user's position closed too, by whichever process trades them now, and each of
    // their sockets (on a process that did not trade them) saw each of their events once.
    for (const [i, other] of elsewhere.entries()) {
      const otherTradeId = othersOpened[i]!.trade.id as string;
      const closedTrade = await seen(
        other.socket,
        (m) => m.type === 'trade:closed' && m.trade.id === otherTradeId,
        20_000,
        `${other.name}'s take profit`,
      );
      expect(closedTrade.trade.exitReason).toBe('TAKE_PROFIT');
      const theirs = other.socket.messages.filter(
        (m) => m.type === 'trade:opened' || m.type === 'trade:closed',
      );
      expect(theirs.map((m) => `${m.type} ${m.trade.id}`)).toEqual([
        `trade:opened ${otherTradeId}`,
        `trade:closed ${otherTradeId}`,
      ]);
      await other.socket.close();
    }
    // No order was sent twice: every accepted order has its own client order id.
    const accepted = fake.ledger.filter(
      (entry) => entry.method === 'POST' && entry.path === '/api/v3/order' && entry.status === 200,
    );
    const clientIds = accepted.map((entry) => String(entry.params.newClientOrderId));
    expect(new Set(clientIds).size).toBe(clientIds.length);
    expect(accepted.filter((entry) => entry.params.side === 'BUY')).toHaveLength(OTHERS.length + 2);
    expect(await openTrades(last, token)).toEqual([]);

    // SIGTERM: the owner releases at once; the last process holds Alice well before a TTL.
    next.main.child.kill('SIGTERM');
    expect(await next.main.exited).toBe(0);
    const stoppedAt = Date.now();
    await eventually(
      async () => (await leaseHolder(user.id)) === last.instanceId,
      LEASE_TTL_SECONDS * 1000,
      'the last process to take alice after a SIGTERM',
    );
    expect(Date.now() - stoppedAt).toBeLessThan((LEASE_TTL_SECONDS / 2) * 1000);

    // Events flow again, from the last process, to a socket on it.
    const onLast = await openSocket(`${last.url.replace('http', 'ws')}/ws`, { token });
    buying = true;
    const third = await seen(
      onLast,
      (m) => m.type === 'trade:opened' && m.trade.id !== secondId,
      20_000,
      'a trade after the SIGTERM',
    );
    buying = false;
    expect(third.trade.userId ?? user.id).toBe(user.id);
    await Promise.all([onB.close(), onLast.close()]);
    // No secret crossed into any log.
    for (const server of servers) {
      expect(server.main.output()).not.toContain(ALICE.secret);
      expect(server.main.output()).not.toContain(postgres.url);
    }
  }, 240_000);
});
