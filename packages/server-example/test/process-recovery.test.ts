import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { dashboardUrl, type RunningProcess, startMain, waitFor } from './helpers/main-process';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  return Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
}

/** The server itself, not its launcher: what the OOM killer would pick (the biggest process). */
const SERVER_PROCESS: [string, ...string[]] = [
  process.execPath,
  '--import',
  'tsx',
  '--conditions=source',
  'src/server-process.ts',
];

describe('9 and 10: the server process killed, interrupted and terminated', () => {
  const root = mkdtempSync(join(tmpdir(), 'trd-process-'));
  chmodSync(root, 0o755);
  const running: RunningProcess[] = [];
  const orphans: number[] = [];
  afterAll(async () => {
    for (const main of running) {
      try {
        process.kill(-(main.child.pid ?? 0), 'SIGKILL');
      } catch {
        main.child.kill('SIGKILL');
      }
    }
    for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('recovers its own embedded PostgreSQL left running by a SIGKILLed server', async () => {
    const dataDir = join(root, 'killed');
    const env = { PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'killed-logs') };
    const first = startMain(env, { command: SERVER_PROCESS });
    running.push(first);
    const url = await dashboardUrl(first);
    await apiClient(url).register('survivor');
    const orphan = postmasterPid(dataDir);
    expect(orphan).toBeGreaterThan(0);
    orphans.push(orphan!);
    // What the OOM killer does: only the node process dies, PostgreSQL stays.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(orphan!)).toBe(true);

    const second = startMain(env);
    running.push(second);
    const secondUrl = await dashboardUrl(second);
    expect((await apiClient(secondUrl).login('survivor')).status).toBe(200);
    expect(second.output()).toContain('left running by a server that was killed');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 180_000);

  it('refuses a PostgreSQL on its data directory that it did not start, with a clear error', async () => {
    const dataDir = join(root, 'foreign');
    const env = { PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'foreign-logs') };
    // Create the database, then run a PostgreSQL on it that is not the server's.
    const first = startMain(env, { command: SERVER_PROCESS });
    running.push(first);
    await dashboardUrl(first);
    first.child.kill('SIGKILL');
    await first.exited;
    const orphan = postmasterPid(dataDir)!;
    orphans.push(orphan);
    // The server's own record of which PostgreSQL it started goes: now nothing says it is ours.
    rmSync(join(dataDir, 'postgres-owner.json'), { force: true });

    const second = startMain(env);
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/PostgreSQL \(pid \d+\) that this server did not start is running on/);
    expect(alive(orphan)).toBe(true);
    process.kill(orphan, 'SIGINT');
    await waitFor(() => (alive(orphan) ? undefined : true), 20_000, second.output);
  }, 180_000);

  it('Ctrl-C (SIGINT to the whole process group) shuts down quietly and in order', async () => {
    const dataDir = join(root, 'interrupted');
    const main = startMain(
      { PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'interrupted-logs') },
      { detached: true },
    );
    running.push(main);
    const url = await dashboardUrl(main);
    const api = apiClient(url);
    const { access_token: token } = await api.register('interrupter');
    expect((await api.request('POST', '/trading/start', { token })).status).toBe(200);
    // 10: the README's promise to a newcomer: the first analysis of their market within a minute
    // (the first trade waits for the replay's first buy signal, as the README says).
    const startedAt = Date.now();
    await waitFor(() => (main.output().includes('"msg":"analysis"') ? true : undefined), 60_000, main.output);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    // The interrupt lands while the engine cycles on the database.
    process.kill(-main.child.pid!, 'SIGINT');
    // Exit 0, no error line, no stack, no PostgreSQL error: the engine, HTTP, then the database.
    const code = await main.exited;
    expect(code, main.output().slice(-4000)).toBe(0);
    expect(main.output()).not.toContain('shutdown failed');
    expect(main.output()).not.toContain('57P01');
    expect(main.output()).not.toContain('"stack"');
    expect(main.output()).toContain('"msg":"stopped"');
    expect(postmasterPid(dataDir)).toBeUndefined();
  }, 180_000);

  it('SIGTERM to the top pnpm process stops the server', async () => {
    const dataDir = join(root, 'pnpm');
    const pnpm = execFileSync('which', ['pnpm'], { encoding: 'utf8' }).trim();
    const main = startMain(
      { PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'pnpm-logs') },
      { command: [pnpm, 'start'], detached: true },
    );
    running.push(main);
    const url = await dashboardUrl(main, 90_000);
    main.child.kill('SIGTERM');
    await main.exited;
    // The server under pnpm stopped too: nothing answers, and the database is down.
    await waitFor(
      () =>
        postmasterPid(dataDir) === undefined && !existsSync(join(dataDir, 'server.pid')) ? true : undefined,
      40_000,
      main.output,
    );
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 180_000);
});
