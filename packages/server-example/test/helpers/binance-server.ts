import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ExchangeCredentials } from '@trd/core';
import { createScriptedAnalyzer, type ScriptedAnalyzer } from '@trd/core/testing';
import {
  type FakeBinance,
  type FakeBinanceAccount,
  startFakeBinance,
} from '../../../exchange-binance/test/fake-binance/index';
import { loadServerConfig } from '../../src/config/server-config';
import { createLoggers } from '../../src/logging/create-loggers';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime';
import { buildServer, type TrdServer } from '../../src/server/build-server';
import { apiClient } from './api-client';

export const TEST_CREDENTIALS_KEY = Buffer.alloc(32, 9).toString('base64');

/** Keys of a user of the fake venue, different per name, never a real account. */
export function keysOf(name: string): ExchangeCredentials {
  return { apiKey: `${name}ApiKey${'K'.repeat(40)}`, secret: `${name}Secret${'S'.repeat(40)}` };
}

/**
 * Registers `name` and, given keys, stores them (checked by the fake Binance); then switches to
 * live (confirmed) when `live` (default: when keys are given).
 */
export async function signUp(
  server: BinanceServer,
  name: string,
  keys?: ExchangeCredentials,
  options: { live?: boolean } = {},
): Promise<{ token: string; id: string }> {
  const { access_token: token, user } = await server.api.register(name);
  if (keys) {
    const put = await server.api.request('PUT', '/account/exchange-credentials', { token, body: keys });
    if (put.status !== 200)
      throw new Error(`storing ${name}'s keys: ${put.status} ${JSON.stringify(put.body)}`);
    if (JSON.stringify(put.body).includes(keys.secret)) throw new Error('the answer echoed the secret');
  }
  if (options.live ?? keys !== undefined) {
    const live = await server.api.request('PUT', '/account/trading-mode', {
      token,
      body: { mode: 'live', confirm: true },
    });
    if (live.status !== 200)
      throw new Error(`${name} going live: ${live.status} ${JSON.stringify(live.body)}`);
  }
  return { token, id: user.id };
}

export interface BinanceServer {
  fake: FakeBinance;
  runtime: Runtime;
  server: TrdServer;
  baseUrl: string;
  api: ReturnType<typeof apiClient>;
  analyzer: ScriptedAnalyzer;
  dataDir: string;
  /** Everything logged so far. */
  logs(): string;
  /** Stops the server and the runtime; the fake and `dataDir` stay unless `everything`. */
  close(options?: { everything?: boolean }): Promise<void>;
}

/**
 * The server as `pnpm start` builds it (`loadServerConfig` + `createRuntime`) with
 * `EXCHANGE=binance` against the local fake Binance over real HTTP, an embedded PostgreSQL and
 * a scripted analyzer; the engine is not started (tests run its cycles).
 */
export async function startBinanceServer(
  options: {
    accounts?: FakeBinanceAccount[];
    env?: Record<string, string>;
    /** Reuse a running fake and data directory (a restart). */
    fake?: FakeBinance;
    dataDir?: string;
  } = {},
): Promise<BinanceServer> {
  const fake =
    options.fake ??
    (await startFakeBinance({ rebaseCandlesTo: Date.now(), accounts: options.accounts ?? [] }));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trd-binance-server-'));
  const config = loadServerConfig({
    EXCHANGE: 'binance',
    BINANCE_BASE_URL: fake.url,
    DATA_DIR: dataDir,
    LOG_DIR: join(dataDir, 'logs'),
    JWT_SECRET: 'binance-server-test-jwt-secret-0123456789',
    CREDENTIALS_KEY: TEST_CREDENTIALS_KEY,
    TRADING_HOURS: 'always',
    USER_COOLDOWN_SECONDS: '0',
    ANALYSIS_MODE: 'personal',
    ...options.env,
  });
  const analyzer = createScriptedAnalyzer();
  const runtime = await createRuntime(config, { analyzer, paperPriceMaxAgeMs: 0 });
  const lines: string[] = [];
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const loggers = createLoggers({ logDir: config.logDir, stdout, level: 'info' });
  const server = await buildServer({
    ...runtime.deps,
    logger: loggers.logger,
    security: { ...runtime.deps.security, passwordCost: 2 ** 12, loginRateLimitPerMinute: 1_000 },
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    fake,
    runtime,
    server,
    baseUrl,
    api: apiClient(baseUrl),
    analyzer,
    dataDir,
    logs: () => lines.join(''),
    async close(closeOptions = {}) {
      await server.close();
      await runtime.close();
      loggers.close();
      if (closeOptions.everything) {
        await fake.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
