import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { allEntities } from './entities';
import { migrations } from './migrations';

export interface OrmConfigOptions {
  url: string;
  /** Receives MikroORM's informational and migration messages; never queries or their parameters. */
  logger?: (message: string) => void;
  /** Connection pool size per process (default `DEFAULT_POOL_SIZE`). */
  poolSize?: number;
  /** PostgreSQL `statement_timeout` of every connection, ms (default `DEFAULT_STATEMENT_TIMEOUT_MS`; 0: none). */
  statementTimeoutMs?: number;
}

/**
 * Connections per process: the engine has up to `tradeConcurrency` (256) users in flight, but
 * their per-trade writes go out grouped (one statement of each kind at a time) and the monitor
 * pass works on `analysisConcurrency` (16) positions at once, each holding at most one connection
 * at a time; 20 lets a cycle and a monitor pass overlap without queueing long on the pool, and
 * three processes (60) stay well under PostgreSQL's default `max_connections` of 100.
 */
export const DEFAULT_POOL_SIZE = 20;
/**
 * A statement that runs longer than this is cancelled (SQLSTATE 57014, a retryable `TrdError`)
 * instead of holding its connection and locks: the cycle's largest statement (the batch reads
 * for 100,000 users) takes well under a second, so 30 s only catches what is stuck.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** Idle connections are kept this long: longer than a 60 s cycle, so a cycle never reconnects. */
const POOL_IDLE_MS = 5 * 60_000;

/**
 * MikroORM settings of the store: entity schemas (no decorators, no reflection), the migrations
 * listed in code (no file globbing at run time, so a bundled build works), no global context.
 */
export function createOrmConfig(options: OrmConfigOptions) {
  return defineConfig({
    clientUrl: options.url,
    entities: allEntities,
    extensions: [Migrator],
    allowGlobalContext: false,
    // Never the query namespaces: MikroORM logs queries with their parameters inlined, which
    // would put password hashes and encrypted exchange keys in the logs.
    debug: options.logger ? ['info', 'deprecated'] : false,
    ...(options.logger ? { logger: options.logger } : {}),
    pool: { min: 0, max: options.poolSize ?? DEFAULT_POOL_SIZE, idleTimeoutMillis: POOL_IDLE_MS },
    driverOptions: {
      connection: {
        // node-postgres sends these in the startup packet: no extra round trip per connection.
        statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
        // A transaction left open by a crashed caller releases its row locks after a minute.
        idle_in_transaction_session_timeout: 60_000,
        application_name: 'trd-store',
      },
    },
    discovery: { warnWhenNoEntities: false },
    migrations: {
      tableName: 'trd_migrations',
      migrationsList: migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: options.logger === undefined,
    },
  });
}
