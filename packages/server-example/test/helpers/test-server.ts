import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTradingBot, type Signal, type TradingBot, VirtualClock } from '@trd/core';
import { createScriptedAnalyzer, type ScriptedAnalyzer } from '@trd/core/testing';
import { createMockExchange, loadReplayCandles, type MockExchange } from '@trd/exchange-mock';
import { createPostgresStore, type PostgresStore } from '@trd/store-postgres';
import { createLoggers } from '../../src/logging/create-loggers';
import { attachEngineLogging } from '../../src/logging/engine-logging';
import { createServerMetrics } from '../../src/metrics/server-metrics';
import { startNotifications } from '../../src/notifications/notifier';
import { createAccountResolver } from '../../src/runtime/account-resolver';
import { createCredentialCipher } from '../../src/security/credential-cipher';
import { buildServer, type TrdServer } from '../../src/server/build-server';
import type { SecurityOptions } from '../../src/server/server-deps';

export const JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const CREDENTIALS_KEY = Buffer.alloc(32, 7);
const REPLAY = loadReplayCandles('btcusdt-1m-2024-09-21');
/** 150 real candles into the BTCUSDT replay (2024-09-21 08:30 UTC), so indicators have history. */
export const START_TIME = REPLAY[150]!.openTime;

export interface TestServer {
  baseUrl: string;
  wsUrl: string;
  clock: VirtualClock;
  exchange: MockExchange;
  store: PostgresStore;
  engine: TradingBot;
  analyzer: ScriptedAnalyzer;
  server: TrdServer;
  /** Resolves once every webhook delivery sent so far has finished. */
  webhooksIdle(): Promise<void>;
  logDir: string;
  /** Everything logged to "stdout" so far. */
  stdout(): string;
  close(): Promise<void>;
}

/**
 * The whole server over real HTTP on a free port: embedded PostgreSQL, the simulated exchange
 * replaying real BTCUSDT candles on a VirtualClock, a scripted analyzer, the real engine (not
 * started: tests drive it with runCycle / monitorPositions).
 */
export async function startTestServer(
  options: {
    security?: Partial<SecurityOptions>;
    bodyLimit?: number;
    metricsToken?: string;
    /** Default true: the tests' webhook receivers listen on 127.0.0.1. */
    allowPrivateWebhookUrls?: boolean;
    /** A local Telegram Bot API server. */
    telegramApiRoot?: string;
  } = {},
): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'trd-server-test-'));
  const logDir = join(root, 'logs');
  const clock = new VirtualClock(START_TIME);
  const exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles: REPLAY } },
  });
  const store = await createPostgresStore({
    dataDir: join(root, 'postgres'),
    postgresFlags: ['-c', 'fsync=off'],
    clock,
  });
  const analyzer = createScriptedAnalyzer();
  const cipher = createCredentialCipher(CREDENTIALS_KEY);
  const accountFor = createAccountResolver({
    exchange,
    simulated: true,
    users: store.users,
    cipher,
    singleOperator: null,
  });
  const metrics = options.metricsToken ? createServerMetrics({ store, clock }) : undefined;
  const engine = createTradingBot({
    marketData: exchange.marketData,
    accountFor,
    analyzer: metrics ? metrics.meterAnalyzer(analyzer) : analyzer,
    store,
    clock,
    // The scripted analyzer answers per user: the per-user analysis.
    settings: { tradingHours: null, userCooldownMs: 0, analysisMode: 'personal' },
  });

  const lines: string[] = [];
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const loggers = createLoggers({ logDir, stdout, level: 'info' });
  const detachLogging = attachEngineLogging(engine, loggers);
  metrics?.observeEngine(engine);
  // Notifications as the server sends them, with short backoffs so a retry fits in a test.
  const notifications = startNotifications(engine, {
    users: store.users,
    credentialsKey: CREDENTIALS_KEY,
    queue: { baseDelayMs: 50 },
    webhookTimeoutMs: 1_000,
    ...(options.telegramApiRoot ? { telegramApiRoot: options.telegramApiRoot } : {}),
    log: (message, details) => lines.push(`${message} ${JSON.stringify(details)}\n`),
  });
  const server = await buildServer({
    store,
    users: store.users,
    engine,
    marketData: exchange.marketData,
    accountFor,
    clock,
    symbols: ['BTCUSDT'],
    logger: loggers.logger,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(metrics ? { metrics, metricsToken: options.metricsToken } : {}),
    allowPrivateWebhookUrls: options.allowPrivateWebhookUrls ?? true,
    testNotifications: notifications.test,
    security: {
      jwtSecret: JWT_SECRET,
      tokenTtlSeconds: 3600,
      credentialsKey: CREDENTIALS_KEY,
      allowedOrigins: [],
      rateLimitPerMinute: 10_000,
      loginRateLimitPerMinute: 1_000,
      passwordCost: 2 ** 12,
      ...options.security,
    },
    settings: {
      tradingHours: null,
      cycleMs: 60_000,
      monitorMs: 60_000,
      positionTimeoutMs: 1_800_000,
      exchange: exchange.name,
      analyzer: analyzer.name,
      demoMode: false,
    },
    healthChecks: { database: async () => (await store.query('select 1 as ok')).length === 1 },
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${address.port}/ws`,
    clock,
    exchange,
    store,
    engine,
    analyzer,
    server,
    logDir,
    stdout: () => lines.join(''),
    webhooksIdle: () => notifications.idle(),
    async close() {
      await engine.stop();
      await notifications.close();
      await server.close();
      detachLogging();
      loggers.close();
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A buy at the current price with the reference geometry (SL −0.5%, TP +0.3%). */
export function buySignal(price: number, confidence = 80): Signal {
  return {
    action: 'buy',
    confidence,
    entryPrice: price,
    stopLoss: Number((price * 0.995).toFixed(2)),
    takeProfit: Number((price * 1.003).toFixed(2)),
    reasoning: 'scripted buy for the test',
  };
}
