// @trd/store-postgres: the TRD store on PostgreSQL through MikroORM, embedded by default.

export {
  DEFAULT_EMBEDDED_DATA_DIR,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded-postgres';
export { MONEY_PRECISION, MONEY_SCALE } from './entities/column-types';
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store';
export type { NewUser, TradingMode, UserRecord, UserRepository } from './user-repository';
export { identityKey } from './user-repository';
