import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Analyzer,
  type Clock,
  ConfigError,
  createTradingBot,
  type Exchange,
  systemClock,
  type TradingBot,
} from '@trd/core';
import type { BinanceExchange } from '@trd/exchange-binance';
import {
  createMockExchange,
  loadReplayCandles,
  type MockExchange,
  type ReplayFixtureName,
} from '@trd/exchange-mock';
import { createPostgresStore, type PostgresStore } from '@trd/store-postgres';
import { startCluster } from '../cluster/start-cluster';
import type { ServerConfig } from '../config/server-config';
import { createServerMetrics } from '../metrics/server-metrics';
import { notificationSealer } from '../notifications/notification-settings';
import { startNotifications } from '../notifications/notifier';
import { createCredentialCipher } from '../security/credential-cipher';
import { createBinanceCredentialsCheck } from '../security/credentials-check';
import { formatRotationReport, rotateCredentials } from '../security/rotate-credentials';
import type { ServerDeps } from '../server/server-deps';
import { createAccountResolver } from './account-resolver';
import { createAnalyzer } from './create-analyzer';
import { lockDataDir, recordPostgresOwner } from './data-dir-lock';
import { engineInstanceId } from './engine-instance-id';
import { createLivePricedPaperVenue } from './live-priced-paper-venue';
import { loadOrCreateLocalSecrets } from './local-secrets';
import { createLoopingReplayFeed } from './looping-replay-feed';
import { readPaperClock, startPaperClockSaver } from './paper-clock';
import { createSpeedClock } from './speed-clock';

/** Real candles the simulated exchange replays, per symbol it offers. */
export const REPLAY_FIXTURES: Record<string, ReplayFixtureName> = {
  BTCUSDT: 'btcusdt-1m-2024-09-21',
  ETHUSDT: 'ethusdt-1m-2022-08-15',
};
/** Bars of history before the replay's "now", so indicators have enough candles at once. */
const WARMUP_BARS = 150;
/** The simulated venue's state (accounts, orders, exits), in `DATA_DIR`. */
export const PAPER_VENUE_FILE = 'paper-venue.json';
/** Paper accounts beside Binance (the simulated venue at Binance's prices), in `DATA_DIR`. */
export const LIVE_PRICED_PAPER_VENUE_FILE = 'paper-live-priced-venue.json';
/** The simulated clock's time and the replay's anchor, in `DATA_DIR`. */
export const PAPER_CLOCK_FILE = 'paper-clock.json';
/** Wall time between saves of the simulated clock. */
const PAPER_CLOCK_SAVE_MS = 1_000;

/** Everything `main.ts` runs: the store, the exchange, the analyzer and the engine, built from config. */
export interface Runtime {
  clock: Clock;
  store: PostgresStore;
  exchange: Exchange;
  analyzer: Analyzer;
  engine: TradingBot;
  /** The parts of `ServerDeps` the runtime owns. */
  deps: Omit<ServerDeps, 'logger'>;
  /** Stops the engine after its current cycle, then closes the exchange and the database. */
  close(): Promise<void>;
}

export async function createRuntime(
  config: ServerConfig,
  options: {
    /** Debug lines (the store's). */
    log?: (message: string) => void;
    /** What start-up recovered from (a stale pid file, an orphaned embedded PostgreSQL). */
    warn?: (message: string) => void;
    /** Replaces the analyzer the config selects (tests script their answers). */
    analyzer?: Analyzer;
    /** Beside Binance: how long paper accounts reuse copied prices, ms (default 1 000; tests 0). */
    paperPriceMaxAgeMs?: number;
  } = {},
): Promise<Runtime> {
  const simulated = config.binance === null;
  const symbols = simulated ? config.symbols.filter((symbol) => symbol in REPLAY_FIXTURES) : config.symbols;
  if (symbols.length === 0) {
    throw new Error(
      `the simulated exchange replays ${Object.keys(REPLAY_FIXTURES).join(', ')} only; check SYMBOLS`,
    );
  }

  const embeddedPostgresDir = config.databaseUrl ? undefined : join(config.dataDir, 'postgres');
  const lock = await lockDataDir(config.dataDir, {
    ...(embeddedPostgresDir ? { embeddedPostgresDir } : {}),
    ...(options.warn ? { log: options.warn } : {}),
  });
  const releaseOnFailure = async (error: unknown): Promise<never> => {
    lock.release();
    throw error;
  };

  // The simulated market and the engine share one clock, REPLAY_SPEED× faster than wall time. It
  // resumes where the last run stopped, and the venue's state with it (see `resumePaper`).
  const paper = simulated ? await resumePaper(config, symbols, options.warn).catch(releaseOnFailure) : null;
  const clock: Clock = paper?.clock ?? systemClock;
  const binance = paper ? null : await createBinance(config, clock).catch(releaseOnFailure);
  const exchange: Exchange = paper ? paper.exchange : binance!;
  const analyzer = options.analyzer ?? (await createAnalyzer(config.analyzer, clock));

  const secrets =
    config.jwtSecret && config.credentialsKey
      ? { jwtSecret: config.jwtSecret, credentialsKey: config.credentialsKey }
      : { ...loadOrCreateLocalSecrets(config.dataDir), ...definedSecrets(config) };

  const store = await createPostgresStore({
    ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: embeddedPostgresDir! }),
    clock,
    ...(options.log ? { logger: options.log } : {}),
  }).catch(releaseOnFailure);
  const forgetPostgresOwner = embeddedPostgresDir
    ? recordPostgresOwner(config.dataDir, embeddedPostgresDir)
    : () => {};
  // Never before what the store already holds (a crash loses up to one clock save): trade
  // times, durations, leases and timeouts stay monotonic across restarts.
  const clockSaver = paper
    ? await paper.resumeAfter(store).catch(async (error: unknown) => {
        await store.close();
        return releaseOnFailure(error);
      })
    : null;

  // During a rotation the old key still reads. On the embedded PostgreSQL this process is the
  // database's only user (the DATA_DIR lock), so what the old key sealed moves to the new one now;
  // with DATABASE_URL other processes may still have only the old key: the rotation command does
  // it once every process has both.
  const cipher = createCredentialCipher(secrets.credentialsKey, {
    ...(config.credentialsKeyPrevious ? { previousKey: config.credentialsKeyPrevious } : {}),
  });
  if (config.credentialsKeyPrevious && !config.databaseUrl) {
    const report = await rotateCredentials(
      store.users,
      cipher,
      notificationSealer(secrets.credentialsKey, { previousKey: config.credentialsKeyPrevious }),
    ).catch(async (error: unknown) => {
      await store.close();
      return releaseOnFailure(error);
    });
    options.warn?.(formatRotationReport(report));
  }
  const accountFor = createAccountResolver({
    exchange,
    simulated,
    // Beside Binance, paper users trade on the simulated venue at Binance's prices (dry-run).
    ...(binance
      ? {
          paper: createLivePricedPaperVenue({
            marketData: binance.marketData,
            symbols,
            clock,
            startingBalances: { USDT: String(config.startingBalanceUsdt) },
            stateFile: join(config.dataDir, LIVE_PRICED_PAPER_VENUE_FILE),
            ...(options.paperPriceMaxAgeMs !== undefined ? { refreshMs: options.paperPriceMaxAgeMs } : {}),
          }),
        }
      : {}),
    users: store.users,
    cipher,
    singleOperator:
      config.singleOperatorUser && config.binance?.serverKeys
        ? { username: config.singleOperatorUser, credentials: config.binance.serverKeys }
        : null,
  });
  const metrics = createServerMetrics({ store, clock });
  // Binance's adapter counts its request weight; the paper venue has no budget.
  const { requestWeight } = exchange as Partial<{ requestWeight(): { usedWeight: number } }>;
  metrics.setRequestWeight(requestWeight ? () => requestWeight.call(exchange) : undefined);
  if (config.binance?.serverKeys && !config.singleOperatorUser) {
    options.warn?.(
      'BINANCE_API_KEY is set without SINGLE_OPERATOR_USER: the server keys trade for no one; each user trades with their own stored keys',
    );
  }
  const engine = createTradingBot({
    marketData: exchange.marketData,
    accountFor,
    analyzer: metrics.meterAnalyzer(analyzer),
    store,
    clock,
    settings: config.engine,
    instanceId: engineInstanceId(config.dataDir),
  });

  metrics.observeEngine(engine);
  // Beside other server processes on the same database: events and commands cross between them.
  const cluster = config.databaseUrl
    ? await startCluster({
        url: config.databaseUrl,
        channel: config.cluster.channel,
        store,
        engine,
        clock,
        claimTtlMs: engine.settings.claimTtlMs,
        commandTimeoutMs: config.cluster.commandTimeoutMs,
        ...(options.warn ? { log: options.warn } : {}),
      }).catch(async (error: unknown) => {
        clockSaver?.stop();
        await store.close();
        return releaseOnFailure(error);
      })
    : null;
  const notifications = startNotifications(engine, {
    users: store.users,
    credentialsKey: secrets.credentialsKey,
    ...(config.credentialsKeyPrevious ? { credentialsKeyPrevious: config.credentialsKeyPrevious } : {}),
    log: (message, details) => options.warn?.(`${message} ${JSON.stringify(details)}`),
  });

  const deps: Omit<ServerDeps, 'logger'> = {
    metrics,
    allowPrivateWebhookUrls: config.allowPrivateWebhookUrls,
    testNotifications: notifications.test,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    store,
    users: store.users,
    engine,
    marketData: exchange.marketData,
    accountFor,
    ...(binance
      ? {
          checkCredentials: createBinanceCredentialsCheck(binance),
          liveTrading: {
            venue: binance.name,
            checkLive: async (userId: string) => {
              await accountFor.live(userId);
            },
          },
        }
      : {}),
    clock,
    symbols,
    security: {
      jwtSecret: secrets.jwtSecret,
      tokenTtlSeconds: config.tokenTtlSeconds,
      credentialsKey: secrets.credentialsKey,
      ...(config.credentialsKeyPrevious ? { credentialsKeyPrevious: config.credentialsKeyPrevious } : {}),
      allowedOrigins: config.allowedOrigins,
      rateLimitPerMinute: config.rateLimitPerMinute,
      loginRateLimitPerMinute: config.loginRateLimitPerMinute,
    },
    settings: {
      ...config.engine,
      exchange: exchange.name,
      analyzer: analyzer.name,
      demoMode: config.demoMode,
    },
    ...(cluster ? { cluster } : {}),
    healthChecks: {
      database: async () => (await store.query('select 1 as ok')).length === 1,
      engine: async () => engine.isRunning,
      // Beside other processes: this one's sockets get their users' events only while connected.
      ...(cluster ? { cluster: async () => cluster.connected() } : {}),
    },
  };

  let closed = false;
  return {
    clock,
    store,
    exchange,
    analyzer,
    engine,
    deps,
    async close() {
      if (closed) return;
      closed = true;
      await engine.stop();
      await notifications.close();
      await cluster?.close();
      await exchange.close?.();
      clockSaver?.stop();
      await store.close();
      forgetPostgresOwner();
      lock.release();
    },
  };
}

function definedSecrets(config: ServerConfig): Partial<{ jwtSecret: string; credentialsKey: Buffer }> {
  return {
    ...(config.jwtSecret ? { jwtSecret: config.jwtSecret } : {}),
    ...(config.credentialsKey ? { credentialsKey: config.credentialsKey } : {}),
  };
}

interface PaperResume {
  clock: Clock;
  exchange: MockExchange;
  /** Moves the clock past everything the store holds, then keeps saving it; returns the saver. */
  resumeAfter(store: PostgresStore): Promise<{ stop(): void }>;
}

/**
 * The paper market of the last run, continued: the simulated clock resumes from the newest of
 * its last save and the venue's last save (the first run starts at wall time), the replay keeps
 * its anchor, and the venue (balances, orders, open exits) is read from `DATA_DIR`.
 */
async function resumePaper(
  config: ServerConfig,
  symbols: string[],
  warn: ((message: string) => void) | undefined,
): Promise<PaperResume> {
  const clockFile = join(config.dataDir, PAPER_CLOCK_FILE);
  const venueFile = join(config.dataDir, PAPER_VENUE_FILE);
  const saved = readPaperClock(clockFile);
  if (!saved && existsSync(venueFile)) {
    throw new ConfigError(
      `${venueFile} exists without ${clockFile}, so the replay it traded on is unknown; restore the clock file or delete both`,
    );
  }
  const clock = createSpeedClock({ speed: config.replaySpeed, ...(saved ? { origin: saved.time } : {}) });
  const replayStartAt =
    saved?.replayStartAt ?? Math.floor(clock.now() / 60_000) * 60_000 - WARMUP_BARS * 60_000;
  const feeds = Object.fromEntries(
    symbols.map((symbol) => [
      symbol,
      {
        kind: 'custom' as const,
        feed: createLoopingReplayFeed(loadReplayCandles(REPLAY_FIXTURES[symbol]!), replayStartAt),
      },
    ]),
  );
  const exchange = createMockExchange({
    clock,
    name: 'simulated',
    feeds,
    startingBalances: { USDT: String(config.startingBalanceUsdt) },
    stateFile: venueFile,
  });
  clock.advanceTo(exchange.stateSavedAt() ?? 0);
  return {
    clock,
    exchange,
    async resumeAfter(store) {
      clock.advanceTo(await newestStoredTime(store));
      return startPaperClockSaver({
        file: clockFile,
        now: () => clock.now(),
        replayStartAt,
        intervalMs: PAPER_CLOCK_SAVE_MS,
        // A missed save loses at most one more interval on a crash (the store still bounds the
        // clock from below); say so every time rather than stop trading.
        onError: (error) =>
          warn?.(`could not save ${clockFile}: ${error instanceof Error ? error.message : String(error)}`),
      });
    },
  };
}

/** The newest time the store recorded something at (Unix ms on the clock that wrote it), 0 when empty. */
async function newestStoredTime(store: PostgresStore): Promise<number> {
  const [row] = await store.query<{ newest: string | number | null }>(
    `select greatest(
       (select max("created_at") from "users"),
       (select max("updated_at") from "trading_configs"),
       (select max(greatest("opened_at", coalesce("closed_at", 0))) from "trades"),
       (select max("opened_at") from "open_positions"),
       (select max("updated_at") from "order_intents"),
       (select max("created_at") from "analysis_records"),
       (select max("updated_at") from "portfolio")
     ) as "newest"`,
  );
  return Number(row?.newest ?? 0);
}

async function createBinance(config: ServerConfig, clock: Clock): Promise<BinanceExchange> {
  // Loaded only on Binance, so the default start needs nothing of it.
  const { createBinanceExchange } = await import('@trd/exchange-binance');
  const binance = config.binance!;
  // No default keys: market data is public, and every account is opened with its owner's keys
  // (the server's only through the resolver's single-operator mode), never by omission.
  return createBinanceExchange({
    testnet: binance.testnet,
    clock,
    ...(binance.baseUrl ? { baseUrl: binance.baseUrl } : {}),
  });
}
