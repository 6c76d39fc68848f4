import { createHash } from 'node:crypto';
import type { Knex } from '@mikro-orm/postgresql';
import type { Select } from './grouped-statements';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Statements run as named prepared statements on node-postgres, past knex: each connection
 * parses and plans a statement once and then sends only its name and parameters (the cycle's
 * grouped statements are kilobytes of SQL, and knex rescans every statement's text for its
 * placeholders on every call). `?` placeholders become `$1…` once per statement text. A statement
 * is named after a hash of its text, so every store sharing the pool names it alike (node-postgres
 * refuses one name for two texts on a connection). Only for statements whose text is fixed or
 * has a few variants: each distinct text is prepared once per connection and kept.
 */
export function preparedStatements(knex: Knex): Select {
  const client = knex.client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(connection: PgClient): Promise<void>;
  };
  const known = new Map<string, { name: string; text: string }>();
  const statementOf = (sql: string) => {
    let statement = known.get(sql);
    if (!statement) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      statement = { name: `trd_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
      known.set(sql, statement);
    }
    return statement;
  };
  return async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    const { name, text } = statementOf(sql);
    const connection = await client.acquireConnection();
    try {
      return (await connection.query({ name, text, values: params })).rows as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  };
}
