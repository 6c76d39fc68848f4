import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGeminiServer, geminiAnswerBody } from '@trd/ai-gemini/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';

const packageDir = join(import.meta.dirname, '..');
const GEMINI_KEY = 'fake-gemini-key-for-the-restart-test';
/** Simulated time runs 60× wall time: one simulated minute a second. */
const SPEED = 60;
const TIMEOUT_MINUTES = 5;
const PASSWORD = 'restart-password-1234';

interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `pnpm start`'s program as a real process (tsx as a loader, so signals reach it directly). */
function startMain(env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/server-process.ts'], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('pnpm start resumes the paper venue and its clock after a restart', () => {
  const root = mkdtempSync(join(tmpdir(), 'trd-restart-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach DATA_DIR.
  chmodSync(root, 0o755);
  const gemini = new FakeGeminiServer({ apiKey: GEMINI_KEY });
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    await gemini.start();
    // An analyst that always buys BTCUSDT near its replayed price (62,800–63,300).
    gemini.handle(() => ({
      status: 200,
      body: geminiAnswerBody({
        signal: 'buy',
        confidence: 90,
        entry_price: 63000,
        stop_loss: 60000,
        take_profit: 66000,
        reasoning: 'fake analyst: always buys',
      }),
    }));
  });
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    await gemini.close();
    // A SIGKILLed server's PostgreSQL is stopped by the next start; the last one was stopped cleanly.
    rmSync(root, { recursive: true, force: true });
  });

  async function boot(dataDir: string) {
    const main = startMain({
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_DIR: join(dataDir, '..', `${dataDir.split('/').at(-1)}-logs`),
      REPLAY_SPEED: String(SPEED),
      POSITION_TIMEOUT_MINUTES: String(TIMEOUT_MINUTES),
      SYMBOLS: 'BTCUSDT',
      GEMINI_API_KEY: GEMINI_KEY,
      GEMINI_BASE_URL: gemini.baseUrl,
      // The user must trade again after a timed-out (losing) trade: the per-user analysis, no policy.
      ANALYSIS_MODE: 'personal',
    });
    running.push(main);
    const url = await waitFor(
      () => /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.output())?.[1],
      45_000,
      'the server to listen',
      main.output,
    );
    return { main, api: apiClient(url) };
  }

  /** Simulated time as the market shows it: the open time of the newest candle. */
  async function marketTime(api: ReturnType<typeof apiClient>, token: string): Promise<number> {
    const candles = await api.request('GET', '/market/candles?symbol=BTCUSDT&limit=1', { token });
    return candles.body.candles.at(-1).time;
  }

  /** What must be the same across the restart: the open position, the balances, the exit at the venue. */
  async function snapshot(api: ReturnType<typeof apiClient>, token: string) {
    const trades = await api.request('GET', '/trading/trades?status=filled', { token });
    const portfolio = await api.request('GET', '/portfolio', { token });
    if (portfolio.status !== 200)
      throw new Error(`portfolio: ${portfolio.status} ${JSON.stringify(portfolio.body)}`);
    return { positions: trades.body.trades, balances: portfolio.body.balances };
  }

  async function runScenario(name: string, stop: 'SIGKILL' | 'SIGTERM') {
    const dataDir = join(root, name);
    const first = await boot(dataDir);
    const { access_token: token, user } = await first.api.register(name, PASSWORD);
    // Exits far away (±5%): the position can only close by the timeout, at a known time.
    const configured = await first.api.request('PUT', '/trading/config', {
      token,
      body: { takeProfitPercent: 5, stopLossPercent: 5 },
    });
    expect(configured.status).toBe(200);
    expect((await first.api.request('POST', '/trading/start', { token })).status).toBe(200);

    const position = await waitFor(
      async () => {
        const response = await first.api.request('GET', '/trading/trades?status=filled', { token });
        if (response.status !== 200)
          throw new Error(
            `trades: ${response.status} ${JSON.stringify(response.body)}\n${first.main.output()}`,
          );
        // Open, with its exit placed at the venue.
        const [trade] = response.body.trades;
        return trade?.exitRef ? trade : undefined;
      },
      30_000,
      'a position to open',
      first.main.output,
    );
    const before = await snapshot(first.api, token);
    const seenBefore = await marketTime(first.api, token);
    expect(before.positions).toHaveLength(1);
    const btc = before.balances.find((balance: { asset: string }) => balance.asset === 'BTC');
    // The exit holds the position at the venue: what the entry bought, less its fee, on the step.
    expect(Number(btc.locked)).toBeGreaterThan(0);
    expect(Number(btc.locked)).toBeLessThanOrEqual(Number(position.quantity));

    first.main.child.kill(stop);
    expect(await first.main.exited).toEqual(
      stop === 'SIGKILL' ? { code: null, signal: 'SIGKILL' } : { code: 0, signal: null },
    );
    const venue = readJson(join(dataDir, 'paper-venue.json'));
    const exit = venue.accounts.flatMap((account: { exits: unknown[] }) => account.exits).at(-1);
    expect(exit).toMatchObject({ exitRef: position.exitRef, state: 'open', quantity: btc.locked });
    const savedClock = readJson(join(dataDir, 'paper-clock.json'));
    if (stop === 'SIGTERM') expect(savedClock.time).toBeGreaterThanOrEqual(seenBefore);
    // Killed: at most the last save interval (1 s of wall time, one simulated minute) is lost.
    else expect(savedClock.time).toBeGreaterThanOrEqual(seenBefore - SPEED * 1_000 - 60_000);

    const second = await boot(dataDir);
    if (stop === 'SIGKILL')
      expect(second.main.output()).toContain('left running by a server that was killed');
    const login = await second.api.login(name, PASSWORD);
    expect(login.status).toBe(200);
    const again = login.body.access_token;
    const after = await snapshot(second.api, again);
    const seenAfter = await marketTime(second.api, again);
    expect(after).toEqual(before);
    // The clock resumed where it stood: never before what the store holds, and the downtime skipped.
    expect(seenAfter).toBeGreaterThanOrEqual(Math.floor(position.openedAt / 60_000) * 60_000);
    expect(seenAfter).toBeGreaterThanOrEqual(
      Math.min(seenBefore, Math.floor(savedClock.time / 60_000) * 60_000),
    );
    expect(seenAfter - seenBefore).toBeLessThan(15 * 60_000);

    // The position closes by its timeout, measured across the restart, and the user trades again.
    const closed = await waitFor(
      async () => {
        const trades = (await second.api.request('GET', '/trading/trades?limit=10', { token: again })).body
          .trades;
        const first = trades.find((trade: { id: string }) => trade.id === position.id);
        return first?.status === 'closed' && trades.length >= 2 ? { first, trades } : undefined;
      },
      40_000,
      'the position to close and a new one to open',
      second.main.output,
    );
    expect(closed.first).toMatchObject({ exitReason: 'TIMEOUT', userId: user.id });
    expect(closed.first.durationSeconds).toBeGreaterThanOrEqual(TIMEOUT_MINUTES * 60);
    expect(closed.first.durationSeconds).toBeLessThan(TIMEOUT_MINUTES * 60 + 15 * 60);
    const next = closed.trades.find((trade: { id: string }) => trade.id !== position.id);
    expect(next.openedAt).toBeGreaterThanOrEqual(closed.first.closedAt);
    const venueAfter = readJson(join(dataDir, 'paper-venue.json'));
    const exits = venueAfter.accounts.flatMap((account: { exits: { exitRef: string }[] }) => account.exits);
    expect(
      exits.find((candidate: { exitRef: string }) => candidate.exitRef === position.exitRef),
    ).toMatchObject({
      state: 'cancelled',
    });

    second.main.child.kill('SIGTERM');
    expect(await second.main.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);
  }

  it('after SIGKILL: the position, its exit, the balances and the clock are where they were', async () => {
    await runScenario('killed', 'SIGKILL');
  }, 120_000);

  it('after SIGTERM: the same, with the clock saved at the stop', async () => {
    await runScenario('stopped', 'SIGTERM');
  }, 120_000);
});
