import type { MikroORM } from '@mikro-orm/postgresql';
import { type Clock, ConfigError } from '@trd/core';
import { guarded, sqlState } from './store-errors';

/**
 * Per-user leases for several engine processes on one database (table `user_leases`).
 *
 * A claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE` statement: a free user is inserted, a
 * user this owner already holds or whose lease has expired is taken over, a user held by another
 * live owner is left alone. PostgreSQL's row locks make the statement atomic, so two processes
 * can never both come out holding the same user. Ids are claimed in sorted order so concurrent
 * claims lock rows in the same order and cannot deadlock.
 *
 * Expiry uses the store's clock (Unix ms), not the database's: with the system clock this is
 * wall time, so processes on different machines need synchronised clocks (NTP) and a TTL well
 * above their skew; tests drive it with a VirtualClock.
 */
export interface UserLeases {
  claimUsers(owner: string, userIds: readonly string[], ttlMs: number): Promise<string[]>;
  releaseUsers(owner: string): Promise<void>;
}

const DEADLOCK_OR_SERIALIZATION = new Set(['40P01', '40001']);

export function createUserLeases(orm: MikroORM, clock: Clock): UserLeases {
  const claimOnce = async (owner: string, ids: string[], ttlMs: number): Promise<string[]> => {
    const now = clock.now();
    const rows = await orm.em.fork().execute<{ user_id: string }[]>(
      `insert into "user_leases" ("user_id", "owner", "expires_at")
       select "id", ?, ? from json_array_elements_text(?::json) as "wanted"("id") order by "id" collate "C"
       on conflict ("user_id") do update set "owner" = excluded."owner", "expires_at" = excluded."expires_at"
       where "user_leases"."owner" = excluded."owner" or "user_leases"."expires_at" <= ?
       returning "user_id"`,
      [owner, now + ttlMs, JSON.stringify(ids), now],
    );
    return rows.map((row) => row.user_id);
  };

  return {
    claimUsers: (owner, userIds, ttlMs) =>
      guarded('claimUsers', async () => {
        if (typeof owner !== 'string' || owner.length === 0 || owner.length > 128)
          throw new ConfigError('lease owner must be 1–128 characters');
        if (!Number.isFinite(ttlMs) || ttlMs <= 0)
          throw new ConfigError('lease ttlMs must be a positive number');
        const ids = [...new Set(userIds)].sort();
        if (ids.length === 0) return [];
        let held: string[];
        try {
          held = await claimOnce(owner, ids, Math.ceil(ttlMs));
        } catch (error) {
          // Sorted claims do not deadlock among themselves; retry once in case another writer interfered.
          if (!DEADLOCK_OR_SERIALIZATION.has(sqlState(error) ?? '')) throw error;
          held = await claimOnce(owner, ids, Math.ceil(ttlMs));
        }
        const heldSet = new Set(held);
        return [...new Set(userIds)].filter((id) => heldSet.has(id));
      }),

    releaseUsers: (owner) =>
      guarded('releaseUsers', async () => {
        await orm.em.fork().execute(`delete from "user_leases" where "owner" = ?`, [owner]);
      }),
  };
}
