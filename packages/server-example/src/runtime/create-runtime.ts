import { join } from 'node:path';
import {
  type Analyzer,
  type Clock,
  createTechnicalAnalyzer,
  createTradingBot,
  type Exchange,
  systemClock,
  type TradingBot,
} from '@trd/core';
import { createMockExchange, loadReplayCandles, type ReplayFixtureName } from '@trd/exchange-mock';
import { createPostgresStore, type PostgresStore } from '@trd/store-postgres';
import type { ServerConfig } from '../config/server-config';
import { createCredentialCipher } from '../security/credential-cipher';
import type { ServerDeps } from '../server/server-deps';
import { createAccountResolver } from './account-resolver';
import { loadOrCreateLocalSecrets } from './local-secrets';
import { createLoopingReplayFeed } from './looping-replay-feed';
import { createSpeedClock } from './speed-clock';

/** Real candles the simulated exchange replays, per symbol it offers. */
export const REPLAY_FIXTURES: Record<string, ReplayFixtureName> = {
  BTCUSDT: 'btcusdt-1m-2024-09-21',
  ETHUSDT: 'ethusdt-1m-2022-08-15',
};
/** Bars of history before the replay's "now", so indicators have enough candles at once. */
const WARMUP_BARS = 150;

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
  options: { log?: (message: string) => void } = {},
): Promise<Runtime> {
  const simulated = config.binance === null;
  const symbols = simulated ? config.symbols.filter((symbol) => symbol in REPLAY_FIXTURES) : config.symbols;
  if (symbols.length === 0) {
    throw new Error(
      `the simulated exchange replays ${Object.keys(REPLAY_FIXTURES).join(', ')} only; check SYMBOLS`,
    );
  }

  // The simulated market and the engine share one clock, REPLAY_SPEED× faster than wall time.
  const clock = simulated ? createSpeedClock({ speed: config.replaySpeed }) : systemClock;
  const exchange = simulated
    ? createSimulatedExchange(clock, symbols, config)
    : await createBinance(config, clock);
  const analyzer = config.gemini ? await createGemini(config.gemini, clock) : createTechnicalAnalyzer();

  const secrets =
    config.jwtSecret && config.credentialsKey
      ? { jwtSecret: config.jwtSecret, credentialsKey: config.credentialsKey }
      : { ...loadOrCreateLocalSecrets(config.dataDir), ...definedSecrets(config) };

  const store = await createPostgresStore({
    ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'postgres') }),
    clock,
    ...(options.log ? { logger: options.log } : {}),
  });

  const cipher = createCredentialCipher(secrets.credentialsKey);
  const accountFor = createAccountResolver({
    exchange,
    simulated,
    users: store.users,
    cipher,
    serverCredentials: config.binance
      ? { apiKey: config.binance.apiKey, secret: config.binance.secret }
      : null,
  });
  const engine = createTradingBot({
    marketData: exchange.marketData,
    accountFor,
    analyzer,
    store,
    clock,
    settings: config.engine,
  });

  const deps: Omit<ServerDeps, 'logger'> = {
    store,
    users: store.users,
    engine,
    marketData: exchange.marketData,
    accountFor,
    clock,
    symbols,
    security: {
      jwtSecret: secrets.jwtSecret,
      tokenTtlSeconds: config.tokenTtlSeconds,
      credentialsKey: secrets.credentialsKey,
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
    healthChecks: {
      database: async () => (await store.query('select 1 as ok')).length === 1,
      engine: async () => engine.isRunning,
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
      await exchange.close?.();
      await store.close();
    },
  };
}

function definedSecrets(config: ServerConfig): Partial<{ jwtSecret: string; credentialsKey: Buffer }> {
  return {
    ...(config.jwtSecret ? { jwtSecret: config.jwtSecret } : {}),
    ...(config.credentialsKey ? { credentialsKey: config.credentialsKey } : {}),
  };
}

function createSimulatedExchange(clock: Clock, symbols: string[], config: ServerConfig): Exchange {
  const startAt = Math.floor(clock.now() / 60_000) * 60_000 - WARMUP_BARS * 60_000;
  const feeds = Object.fromEntries(
    symbols.map((symbol) => [
      symbol,
      {
        kind: 'custom' as const,
        feed: createLoopingReplayFeed(loadReplayCandles(REPLAY_FIXTURES[symbol]!), startAt),
      },
    ]),
  );
  return createMockExchange({
    clock,
    name: 'simulated',
    feeds,
    startingBalances: { USDT: String(config.startingBalanceUsdt) },
  });
}

async function createBinance(config: ServerConfig, clock: Clock): Promise<Exchange> {
  // Loaded only when Binance keys are given, so the default start needs nothing of it.
  const { createBinanceExchange } = await import('@trd/exchange-binance');
  const binance = config.binance!;
  return createBinanceExchange({
    testnet: binance.testnet,
    apiKey: binance.apiKey,
    secret: binance.secret,
    clock,
  });
}

async function createGemini(gemini: { apiKey: string; model: string }, clock: Clock): Promise<Analyzer> {
  const { createGeminiAnalyzer } = await import('@trd/ai-gemini');
  return createGeminiAnalyzer({ apiKey: gemini.apiKey, model: gemini.model, clock });
}
