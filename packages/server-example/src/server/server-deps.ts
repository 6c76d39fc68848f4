import type {
  Clock,
  MarketData,
  Store,
  Trade,
  TradingAccount,
  TradingBotEventName,
  TradingBotEvents,
} from '@trd/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Cluster } from '../cluster/start-cluster';
import type { ServerMetrics } from '../metrics/server-metrics';
import type { NotificationTester } from '../notifications/notification-test';
import type { CredentialsCheck } from '../security/credentials-check';

/** A registered user as the server keeps it. The password is only ever stored hashed. */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  createdAt: number | Date;
  /** Tokens carry it; a token of another version is refused. */
  sessionVersion: number;
}

/**
 * Where users live. `create` MUST throw core's `ConflictError` for a username or email that is
 * taken, compared NFKC-normalised and case-folded (and `findByUsername` finds by the same rule);
 * the display form is kept. Exchange credentials are stored as the opaque ciphertext the server
 * gives it. `revokeSessions` MUST increment the session version (and throw `NotFoundError` for
 * an unknown user); `sessionVersion` is `null` once the user is gone.
 */
export interface UserRepository {
  create(input: { username: string; email: string; passwordHash: string }): Promise<UserRecord>;
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  setExchangeCredentials(userId: string, encrypted: string | null): Promise<void>;
  getExchangeCredentials(userId: string): Promise<string | null>;
  /** The user's notification settings, sealed by the server; `null` removes them. */
  setNotificationSettings(userId: string, sealed: string | null): Promise<void>;
  getNotificationSettings(userId: string): Promise<string | null>;
  /** `paper` or `live` (`paper` for a new user); `null` for an unknown user. */
  getTradingMode(userId: string): Promise<'paper' | 'live' | null>;
  setTradingMode(userId: string, mode: 'paper' | 'live'): Promise<void>;
  sessionVersion(userId: string): Promise<number | null>;
  revokeSessions(userId: string): Promise<number>;
}

type Listener<E extends TradingBotEventName> = (...args: TradingBotEvents[E]) => void;

/** The part of core's `TradingBot` the server uses: its events and the manual close. */
export interface TradingEngine {
  on<E extends TradingBotEventName>(event: E, listener: Listener<E>): unknown;
  off<E extends TradingBotEventName>(event: E, listener: Listener<E>): unknown;
  /** Closes the user's open trade at market (exit reason MANUAL). */
  closeTrade(userId: string, tradeId: string): Promise<Trade>;
}

/** Server-wide engine settings shown to users (they are not per-user settings). */
export interface EngineSettingsView {
  tradingHours: { startHourUtc: number; endHourUtc: number } | null;
  cycleMs: number;
  monitorMs: number;
  positionTimeoutMs: number;
  exchange: string;
  analyzer: string;
  demoMode: boolean;
}

export interface SecurityOptions {
  /** HS256 secret, at least 32 characters. */
  jwtSecret: string;
  /** Token lifetime, seconds. */
  tokenTtlSeconds: number;
  /** 32-byte AES-256-GCM key for users' exchange credentials. */
  credentialsKey: Buffer;
  /** During a key rotation, the key what is not yet re-encrypted was sealed under (CREDENTIALS_KEY_PREVIOUS). */
  credentialsKeyPrevious?: Buffer;
  /** Origins allowed to open the WebSocket besides the server's own host. */
  allowedOrigins: readonly string[];
  /** Requests per minute per client on every route. */
  rateLimitPerMinute: number;
  /** Login attempts per minute per client (stricter than the rest). */
  loginRateLimitPerMinute: number;
  /** scrypt cost (N, a power of two). Lower it only in tests. */
  passwordCost?: number;
}

export interface ServerDeps {
  store: Store;
  users: UserRepository;
  engine: TradingEngine;
  marketData: MarketData;
  /**
   * Checks exchange keys against the venue before `PUT /account/exchange-credentials` stores them.
   * Absent (the simulated exchange): keys are stored unchecked, nothing trades with them there.
   */
  checkCredentials?: CredentialsCheck;
  /**
   * Paper or live per user, on a server with a real venue: `venue` is its name, `checkLive`
   * throws (`NoTradingAccountError`) when the user has no live account to switch to. Absent: every
   * user trades on the simulated exchange, paper only.
   */
  liveTrading?: { venue: string; checkLive(userId: string): Promise<void> };
  /** The account a user trades with (for balances on the portfolio page). */
  accountFor(userId: string): TradingAccount | Promise<TradingAccount>;
  clock: Clock;
  security: SecurityOptions;
  settings: EngineSettingsView;
  /** Symbols the dashboard may chart and users may pick. */
  symbols: readonly string[];
  logger?: FastifyBaseLogger;
  /** Largest request body, bytes (default 64 KiB). */
  bodyLimit?: number;
  /**
   * Webhook URLs on loopback or private addresses are refused (a user's URL is a request the
   * server makes: SSRF) unless this is true (`NOTIFY_ALLOW_PRIVATE_URLS`, a receiver on the host).
   */
  allowPrivateWebhookUrls?: boolean;
  /** Sends a test message to each of a user's notification channels now (`POST /account/notifications/test`). */
  testNotifications?: NotificationTester;
  /** Prometheus metrics; `GET /metrics` exists only with `metricsToken` (its bearer token). */
  metrics?: ServerMetrics;
  metricsToken?: string;
  /** Extra health checks, e.g. a database ping; each resolves true when healthy. */
  healthChecks?: Record<string, () => Promise<boolean>>;
  /**
   * Several server processes on one database (`DATABASE_URL`): users' events reach their sockets
   * on every process, and manual closes run on the engine that trades the user. Absent: this
   * process is alone, and its engine does everything.
   */
  cluster?: Pick<Cluster, 'shareEvents' | 'closeTrade'>;
}
