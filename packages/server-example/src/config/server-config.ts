import { resolve } from 'node:path';
import { ConfigError, parseTradingHours, symbolSchema, TRADING_HOURS_FORMAT } from '@trd/core';
import { z } from 'zod';
import { type AnalyzerChoice, analyzerChoiceFromEnv } from './analyzer-choice';

/** Environment variables are strings; these read them strictly (a typo is an error, not a default). */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const positiveNumber = z.coerce.number({ message: 'must be a number' }).positive('must be greater than 0');
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** `8-16` (UTC hours, start inclusive, end exclusive) or `always`. */
const tradingHoursFromEnv = z.string().transform((value, context) => {
  const hours = parseTradingHours(value);
  if (hours === undefined) {
    context.addIssue({ code: 'custom', message: TRADING_HOURS_FORMAT });
    return z.NEVER;
  }
  return hours;
});

export const serverEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65_535).default(8000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  DATA_DIR: z.string().min(1).default('.trd'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_MINUTES: positiveNumber.max(7 * 24 * 60).default(60),
  CREDENTIALS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** The key being replaced, during a rotation: still read, never written. */
  CREDENTIALS_KEY_PREVIOUS: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_MODEL: z.string().min(1).default('gemini-2.5-flash'),
  GEMINI_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
    .optional(),
  /** `binance`: Binance spot (each user's own keys); `simulated`: the replaying paper venue. */
  EXCHANGE: z.enum(['simulated', 'binance'], { message: 'must be simulated or binance' }).optional(),
  BINANCE_API_KEY: z.string().min(1).optional(),
  BINANCE_SECRET: z.string().min(1).optional(),
  BINANCE_TESTNET: booleanFromEnv.default(true),
  BINANCE_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
    .optional(),
  /** Single-operator mode: this user, and no one else, trades with BINANCE_API_KEY/BINANCE_SECRET. */
  SINGLE_OPERATOR_USER: z.string().min(1).max(64).optional(),
  DEMO_MODE: booleanFromEnv.optional(),
  SYMBOLS: list.pipe(z.array(symbolSchema).min(1)).optional(),
  TRADING_HOURS: tradingHoursFromEnv.optional(),
  CYCLE_SECONDS: positiveNumber.optional(),
  /** How long a user's lease lasts without renewal: a killed process's users move after at most this. */
  LEASE_TTL_SECONDS: positiveNumber.optional(),
  /** Prefix of the PostgreSQL channels the processes of one deployment share (`<prefix>_events`, `_commands`). */
  CLUSTER_CHANNEL: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter')
    .default('trd'),
  /** How long a process waits for the owner of a user to answer a command (a manual close). */
  COMMAND_TIMEOUT_SECONDS: positiveNumber.max(120).default(10),
  MONITOR_SECONDS: positiveNumber.optional(),
  USER_COOLDOWN_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).optional(),
  /** `shared`: one model call per symbol and candle, the performance policy in code; `personal`: per user. */
  ANALYSIS_MODE: z.enum(['shared', 'personal'], { message: 'must be shared or personal' }).default('shared'),
  POSITION_TIMEOUT_MINUTES: positiveNumber.optional(),
  REPLAY_SPEED: positiveNumber.max(3600).default(20),
  STARTING_BALANCE_USDT: positiveNumber.default(10_000),
  LOG_DIR: z.string().min(1).default('logs'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOWED_ORIGINS: list.default([]),
  RATE_LIMIT_PER_MINUTE: positiveNumber.int().default(300),
  LOGIN_RATE_LIMIT_PER_MINUTE: positiveNumber.int().default(10),
  /** Allow users' webhooks on loopback / private addresses (a receiver on this host). Off: SSRF. */
  NOTIFY_ALLOW_PRIVATE_URLS: booleanFromEnv.default(false),
  /** Bearer token of `GET /metrics` (Prometheus); without it the route does not exist. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

/** Everything `main.ts` needs, resolved: defaults filled and modes decided. */
export interface ServerConfig {
  env: ServerEnv['NODE_ENV'];
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /** `undefined` → generate one for local use. */
  jwtSecret: string | undefined;
  tokenTtlSeconds: number;
  /** `undefined` → generate one for local use. */
  credentialsKey: Buffer | undefined;
  /** The analyzer from `AI_PROVIDER`, `AI_MODEL`, `AI_BASE_URL` and the provider's key (see `analyzer-choice.ts`). */
  analyzer: AnalyzerChoice;
  /** During a key rotation: the old key, accepted for reading and re-encrypted away at start. */
  credentialsKeyPrevious: Buffer | undefined;
  /** Set when the analyzer is Gemini; `baseUrl`: another endpoint than Google's (a proxy, or a local fake in tests). */
  gemini: { apiKey: string; model: string; baseUrl?: string } | null;
  /**
   * Binance instead of the simulated exchange. `serverKeys` trade only in single-operator mode;
   * market data needs no keys.
   */
  binance: {
    testnet: boolean;
    serverKeys: { apiKey: string; secret: string } | null;
    /** Another origin than Binance's (a local fake in tests). */
    baseUrl?: string;
  } | null;
  /**
   * Single-operator mode: the username of the one user who trades, with `binance.serverKeys`.
   * `null` (the default): every user trades with their own stored keys only.
   */
  singleOperatorUser: string | null;
  /** Simulated exchange replaying real candles, around the clock, short cycle. */
  demoMode: boolean;
  symbols: string[];
  engine: {
    tradingHours: { startHourUtc: number; endHourUtc: number } | null;
    cycleMs: number;
    monitorMs: number;
    userCooldownMs: number;
    positionTimeoutMs: number;
    analysisMode: 'shared' | 'personal';
    /** Lease TTL, ms; `undefined`: the engine's default, 3 × the longer of cycle and monitor. */
    claimTtlMs?: number;
  };
  /** Several processes on one `DATABASE_URL`: their shared channel prefix and command timeout. */
  cluster: { channel: string; commandTimeoutMs: number };
  replaySpeed: number;
  startingBalanceUsdt: number;
  logDir: string;
  logLevel: ServerEnv['LOG_LEVEL'];
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  metricsToken: string | undefined;
  allowPrivateWebhookUrls: boolean;
}

/**
 * Reads the server's settings from environment variables.
 * @throws ConfigError naming every bad variable, so start-up stops with a clear message.
 */
export function loadServerConfig(source: Record<string, string | undefined> = process.env): ServerConfig {
  // An empty variable (`FOO=`) means "not set".
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  // Relative DATA_DIR and LOG_DIR are where the user ran the command: pnpm runs the script in the
  // package directory but says where it was started in INIT_CWD (`pnpm start` from the root →
  // `./logs`, as the reference bot's `tail -f logs/trading_bot_<date>.log` expects).
  const launchDir = cleaned.INIT_CWD ?? process.cwd();
  const fromLaunchDir = (path: string) => resolve(launchDir, path);
  const parsed = serverEnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
    );
    throw new ConfigError(`invalid environment: ${lines.join('; ')}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET)
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  if (env.NODE_ENV === 'production' && !env.CREDENTIALS_KEY) {
    problems.push('CREDENTIALS_KEY: required when NODE_ENV=production');
  }
  if (env.CREDENTIALS_KEY_PREVIOUS && !env.CREDENTIALS_KEY) {
    problems.push('CREDENTIALS_KEY_PREVIOUS: needs CREDENTIALS_KEY (the new key) set too');
  }
  if (env.CREDENTIALS_KEY_PREVIOUS && env.CREDENTIALS_KEY_PREVIOUS === env.CREDENTIALS_KEY) {
    problems.push('CREDENTIALS_KEY_PREVIOUS: must differ from CREDENTIALS_KEY');
  }
  if (Boolean(env.BINANCE_API_KEY) !== Boolean(env.BINANCE_SECRET)) {
    problems.push('BINANCE_API_KEY/BINANCE_SECRET: set both or neither');
  }
  const serverKeys =
    env.BINANCE_API_KEY && env.BINANCE_SECRET
      ? { apiKey: env.BINANCE_API_KEY, secret: env.BINANCE_SECRET }
      : null;
  // Server keys alone still mean Binance, as before; they trade only in single-operator mode.
  const exchange = env.EXCHANGE ?? (serverKeys ? 'binance' : 'simulated');
  if (exchange === 'simulated' && serverKeys) {
    problems.push('BINANCE_API_KEY: set only with EXCHANGE=binance');
  }
  const binance =
    exchange === 'binance'
      ? {
          testnet: env.BINANCE_TESTNET,
          serverKeys,
          ...(env.BINANCE_BASE_URL ? { baseUrl: env.BINANCE_BASE_URL } : {}),
        }
      : null;
  if (env.SINGLE_OPERATOR_USER && !serverKeys) {
    problems.push(
      'SINGLE_OPERATOR_USER: needs BINANCE_API_KEY and BINANCE_SECRET (the keys the operator trades with)',
    );
  }
  const demoMode = env.DEMO_MODE ?? binance === null;
  if (demoMode && binance) problems.push('DEMO_MODE: cannot be true on Binance');
  const analyzerChoice = analyzerChoiceFromEnv(cleaned);
  problems.push(...analyzerChoice.problems);
  if (problems.length > 0) throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  const analyzer = analyzerChoice.choice;

  // Demo: trade around the clock on a short cycle so a newcomer sees a trade within a minute.
  const engine = {
    tradingHours:
      env.TRADING_HOURS !== undefined
        ? env.TRADING_HOURS
        : demoMode
          ? null
          : { startHourUtc: 8, endHourUtc: 16 },
    cycleMs: (env.CYCLE_SECONDS ?? (demoMode ? 30 : 60)) * 1000,
    monitorMs: (env.MONITOR_SECONDS ?? (demoMode ? 10 : 60)) * 1000,
    userCooldownMs: (env.USER_COOLDOWN_SECONDS ?? (demoMode ? 0 : 30)) * 1000,
    positionTimeoutMs: (env.POSITION_TIMEOUT_MINUTES ?? 30) * 60_000,
    analysisMode: env.ANALYSIS_MODE,
    ...(env.LEASE_TTL_SECONDS !== undefined ? { claimTtlMs: env.LEASE_TTL_SECONDS * 1000 } : {}),
  };
  // A lease is renewed once a cycle and once a monitor pass: a shorter one would lapse between them.
  if (engine.claimTtlMs !== undefined && engine.claimTtlMs <= Math.max(engine.cycleMs, engine.monitorMs)) {
    throw new ConfigError(
      'invalid environment: LEASE_TTL_SECONDS must be longer than CYCLE_SECONDS and MONITOR_SECONDS (3 times is the default)',
    );
  }
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    dataDir: fromLaunchDir(env.DATA_DIR),
    jwtSecret: env.JWT_SECRET,
    tokenTtlSeconds: Math.round(env.TOKEN_TTL_MINUTES * 60),
    credentialsKey: env.CREDENTIALS_KEY ? Buffer.from(env.CREDENTIALS_KEY, 'base64') : undefined,
    analyzer,
    gemini:
      analyzer.provider === 'gemini' && analyzer.apiKey
        ? {
            apiKey: analyzer.apiKey,
            model: analyzer.model,
            ...(analyzer.baseUrl ? { baseUrl: analyzer.baseUrl } : {}),
          }
        : null,
    credentialsKeyPrevious: env.CREDENTIALS_KEY_PREVIOUS
      ? Buffer.from(env.CREDENTIALS_KEY_PREVIOUS, 'base64')
      : undefined,
    binance,
    singleOperatorUser: env.SINGLE_OPERATOR_USER ?? null,
    demoMode,
    symbols: env.SYMBOLS ?? ['BTCUSDT', 'ETHUSDT'],
    engine,
    cluster: { channel: env.CLUSTER_CHANNEL, commandTimeoutMs: env.COMMAND_TIMEOUT_SECONDS * 1000 },
    replaySpeed: env.REPLAY_SPEED,
    startingBalanceUsdt: env.STARTING_BALANCE_USDT,
    logDir: fromLaunchDir(env.LOG_DIR),
    logLevel: env.LOG_LEVEL,
    allowedOrigins: env.ALLOWED_ORIGINS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
    metricsToken: env.METRICS_TOKEN,
    allowPrivateWebhookUrls: env.NOTIFY_ALLOW_PRIVATE_URLS,
  };
}
