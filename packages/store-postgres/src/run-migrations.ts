import type { MikroORM } from '@mikro-orm/postgresql';

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 741_850_215;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so processes starting together
 * on one database migrate it once: the others wait, then find nothing pending.
 */
export async function runMigrations(orm: MikroORM): Promise<void> {
  const knex = orm.em.getConnection().getKnex();
  const connection = await knex.client.acquireConnection();
  try {
    await knex.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
    try {
      await orm.getMigrator().up();
    } finally {
      await knex.raw('select pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
