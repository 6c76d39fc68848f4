import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, openSocket } from './helpers/api-client';
import { type RunningProcess, startMain, waitFor } from './helpers/main-process';

describe('src/main.ts as a process', () => {
  const root = mkdtempSync(join(tmpdir(), 'trd-main-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach DATA_DIR.
  chmodSync(root, 0o755);
  const running: RunningProcess[] = [];
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('stops at start-up on a bad setting, naming it', async () => {
    const main = startMain({ PORT: 'eighty', DATA_DIR: join(root, 'bad'), LOG_DIR: join(root, 'bad-logs') });
    running.push(main);
    expect(await main.exited).toBe(1);
    expect(main.output()).toContain('PORT');
    expect(existsSync(join(root, 'bad'))).toBe(false);
  }, 60_000);

  it('starts with no configuration (embedded PostgreSQL, simulated exchange) and shuts down cleanly on SIGTERM', async () => {
    const dataDir = join(root, 'data');
    const main = startMain({ PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'logs') });
    running.push(main);
    const url = await waitFor(
      () => /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.output())?.[1],
      60_000,
      main.output,
    );
    const api = apiClient(url);

    const page = await api.request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>TRD');
    expect(
      (await api.request('GET', '/vendor/lightweight-charts/lightweight-charts.standalone.production.js'))
        .status,
    ).toBe(200);
    const health = await api.request('GET', '/health');
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: true, engine: true } });

    const { access_token: token } = await api.register('newcomer');
    expect((await api.request('POST', '/trading/start', { token })).status).toBe(200);
    const config = await api.request('GET', '/trading/config', { token });
    expect(config.body.engine).toMatchObject({
      exchange: 'simulated',
      analyzer: 'technical',
      demoMode: true,
      tradingHours: null,
    });
    const candles = await api.request('GET', '/market/candles?symbol=ETHUSDT&limit=100', { token });
    expect(candles.body.candles).toHaveLength(100);

    expect(statSync(join(dataDir, 'local-secrets.json')).mode & 0o777).toBe(0o600);
    expect(main.output()).not.toContain(token);

    const socket = await openSocket(`${url.replace('http', 'ws')}/ws`, { token });
    const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));

    main.child.kill('SIGTERM');
    expect(await closed).toBe(1001); // "going away": the server closed it while shutting down
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('"msg":"stopped"');
    // The embedded PostgreSQL was stopped too: its lock file is gone.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    // The paper clock was saved at the stop (the next start resumes from it), and DATA_DIR is free again.
    expect(JSON.parse(readFileSync(join(dataDir, 'paper-clock.json'), 'utf8'))).toMatchObject({
      format: 'trd-paper-clock',
      version: 1,
    });
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);
  }, 120_000);

  it('switches to Binance testnet and Gemini when their keys are given, and never prints them', async () => {
    const dataDir = join(root, 'keys');
    const secrets = {
      GEMINI_API_KEY: 'gemini-key-never-printed',
      BINANCE_API_KEY: 'binanceKeyNeverPrinted',
      BINANCE_SECRET: 'binanceSecretNeverPrinted',
    };
    const main = startMain({ PORT: '0', DATA_DIR: dataDir, LOG_DIR: join(root, 'keys-logs'), ...secrets });
    running.push(main);
    const url = await waitFor(
      () => /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.output())?.[1],
      60_000,
      main.output,
    );
    const api = apiClient(url);
    const { access_token: token } = await api.register('trader');
    const config = await api.request('GET', '/trading/config', { token });
    // No user trades yet, so nothing has called Binance or Gemini.
    expect(config.body.engine).toMatchObject({
      exchange: 'binance-testnet',
      analyzer: 'gemini:gemini-2.5-flash',
      demoMode: false,
      tradingHours: { startHourUtc: 8, endHourUtc: 16 },
      cycleSeconds: 60,
    });
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    for (const secret of Object.values(secrets)) expect(main.output()).not.toContain(secret);
  }, 120_000);
});
