import { MikroORM } from '@mikro-orm/postgresql';
import { type Clock, ConfigError, type Store, systemClock, TrdError } from '@trd/core';
import {
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres';
import { createOrmConfig } from './orm-config';
import { runMigrations } from './run-migrations';
import { guarded } from './store-errors';
import { createTradingStore } from './trading-store';
import { createUserLeases, type UserLeases } from './user-leases';
import { createUserRepository, type UserRepository } from './user-repository';

export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:port/database` of an existing database (e.g. from
   * `DATABASE_URL`). Without it, an embedded PostgreSQL is started in `dataDir`.
   */
  url?: string;
  /** Embedded server only: data directory, default `./.trd/postgres` (delete it to start afresh). */
  dataDir?: string;
  /** Embedded server only: TCP port, default a free one. */
  port?: number;
  /** Embedded server only: extra `postgres` flags, e.g. `['-c', 'fsync=off']` for throwaway test data. */
  postgresFlags?: string[];
  /** Receives the embedded PostgreSQL's log and MikroORM's migration messages (never queries); default: silent. */
  logger?: (message: string) => void;
  /** Time for `createdAt`, lease expiry and journal updates. Default: the system clock. */
  clock?: Clock;
  /** Connections per process (default 20, see the README's "Connection pool and statements"). */
  poolSize?: number;
  /** PostgreSQL `statement_timeout` per connection, ms (default 30,000; 0 turns it off). */
  statementTimeoutMs?: number;
}

/** A core `Store` on PostgreSQL, plus the example server's accounts. */
/** The lease methods are the `Store` port's (declared once, there), required here. */
export interface PostgresStore extends Omit<Store, keyof UserLeases>, UserLeases {
  readonly users: UserRepository;
  /** Runs one SQL statement (`?` placeholders) outside the store's logic: for tools and tests. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The embedded server, when the store started one; `null` with a `url`. */
  readonly embedded: Pick<EmbeddedPostgres, 'dataDir' | 'port'> | null;
  /** Closes the connections, then stops the embedded server if the store started it. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the store: connects (or starts the embedded PostgreSQL), runs pending migrations, and
 * returns a `PostgresStore`. Several processes may open the same database at once.
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  if (options.url !== undefined && !/^postgres(ql)?:\/\//.test(options.url)) {
    throw new ConfigError('url must be a postgres:// or postgresql:// connection string');
  }
  const clock = options.clock ?? systemClock;
  let embedded: EmbeddedPostgres | null = null;
  if (options.url === undefined) {
    const embeddedOptions: EmbeddedPostgresOptions = {};
    if (options.dataDir !== undefined) embeddedOptions.dataDir = options.dataDir;
    if (options.port !== undefined) embeddedOptions.port = options.port;
    if (options.postgresFlags !== undefined) embeddedOptions.postgresFlags = options.postgresFlags;
    if (options.logger !== undefined) embeddedOptions.logger = options.logger;
    embedded = await startEmbeddedPostgres(embeddedOptions);
  }
  const url = options.url ?? (embedded as EmbeddedPostgres).url;

  let orm: MikroORM;
  try {
    orm = await MikroORM.init(
      createOrmConfig({
        url,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
        ...(options.statementTimeoutMs !== undefined
          ? { statementTimeoutMs: options.statementTimeoutMs }
          : {}),
      }),
    );
    await runMigrations(orm);
  } catch (error) {
    await embedded?.stop().catch(() => {});
    if (TrdError.isInstance(error)) throw error;
    // The connection string holds a password: the message names only the host.
    throw new TrdError('STORE', `could not open the PostgreSQL store at ${describeUrl(url)}`, {
      cause: new Error(error instanceof Error ? error.message.replaceAll(url, '<url>') : String(error)),
      retryable: true,
    });
  }

  const trading = createTradingStore(orm, clock);
  const leases = createUserLeases(orm, clock);
  let closing: Promise<void> | undefined;

  return {
    ...trading,
    ...leases,
    users: createUserRepository(orm, clock),
    embedded: embedded ? { dataDir: embedded.dataDir, port: embedded.port } : null,
    query: <T>(sql: string, params: unknown[] = []) =>
      guarded('query', () => orm.em.fork().execute(sql, params) as Promise<T[]>),
    close() {
      closing ??= (async () => {
        await orm.close(true);
        await embedded?.stop();
      })();
      return closing;
    },
  };
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the given url';
  }
}
