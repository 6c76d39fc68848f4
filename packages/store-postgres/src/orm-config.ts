import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { allEntities } from './entities';
import { migrations } from './migrations';

export interface OrmConfigOptions {
  url: string;
  /** Receives MikroORM's informational and migration messages; never queries or their parameters. */
  logger?: (message: string) => void;
  /** Connection pool size per process. */
  poolSize?: number;
}

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
    pool: { min: 0, max: options.poolSize ?? 10 },
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
