import type { MikroORM } from '@mikro-orm/postgresql';
import { type Clock, ConfigError, type Store } from '@trd/core';
import { guarded, sqlState } from './store-errors';

/**
 * Per-user leases for several engine processes on one database (table `user_leases`), and one
 * heartbeat per live engine (table `engine_heartbeats`) so each can take its fair share.
 *
 * A claim without `maxUsers` is one `INSERT … ON CONFLICT DO UPDATE … WHERE` statement: a free
 * user is inserted, a user this owner already holds or whose lease has expired is taken over, a
 * user held by another live owner is left alone. PostgreSQL's row locks make the statement
 * atomic, so two processes can never both come out holding the same user. Ids are claimed in
 * sorted order so concurrent claims lock rows in the same order and cannot deadlock.
 *
 * A claim with `maxUsers` first adds an expired placeholder row for every user that has none
 * (`ON CONFLICT DO NOTHING`), then takes at most `maxUsers` rows in one `UPDATE` whose rows come
 * from `SELECT … FOR UPDATE SKIP LOCKED` (the owner's live leases first, then free or expired
 * ones, each in the order given): a row another process is claiming at that moment is skipped and
 * the next free one taken instead, so concurrent claims neither wait nor overlap.
 *
 * Expiry uses the store's clock (Unix ms), not the database's: with the system clock this is
 * wall time, so processes on different machines need synchronised clocks (NTP) and a TTL well
 * above their skew; tests drive it with a VirtualClock.
 */
export type UserLeases = Required<Pick<Store, 'claimUsers' | 'releaseUsers' | 'liveOwners'>>;

const DEADLOCK_OR_SERIALIZATION = new Set(['40P01', '40001']);

function checkOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 128)
    throw new ConfigError('lease owner must be 1–128 characters');
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new ConfigError('lease ttlMs must be a positive number');
}

export function createUserLeases(orm: MikroORM, clock: Clock): UserLeases {
  const knex = orm.em.getConnection().getKnex();
  // Real bind parameters (MikroORM's execute would inline the 10,000-id JSON as an escaped literal).
  const execute = async <T>(sql: string, params: unknown[]): Promise<T> =>
    ((await knex.raw(sql, params as never[])) as { rows: T }).rows;
  const claimAll = async (owner: string, ids: string[], ttlMs: number): Promise<string[]> => {
    const now = clock.now();
    const rows = await execute<{ user_id: string }[]>(
      `insert into "user_leases" ("user_id", "owner", "expires_at")
       select "id", ?, ? from json_array_elements_text(?::json) as "wanted"("id") order by "id" collate "C"
       on conflict ("user_id") do update set "owner" = excluded."owner", "expires_at" = excluded."expires_at"
       where "user_leases"."owner" = excluded."owner" or "user_leases"."expires_at" <= ?
       returning "user_id"`,
      [owner, now + ttlMs, JSON.stringify(ids), now],
    );
    return rows.map((row) => row.user_id);
  };

  const claimUpTo = async (
    owner: string,
    ids: string[],
    ttlMs: number,
    maxUsers: number,
  ): Promise<string[]> => {
    // Rows to lock: an expired placeholder for every user without one (sorted, so concurrent
    // inserts cannot deadlock; DO NOTHING never waits on a row another claim has locked).
    await execute(
      `insert into "user_leases" ("user_id", "owner", "expires_at")
       select "id", '', 0 from json_array_elements_text(?::json) as "wanted"("id") order by "id" collate "C"
       on conflict ("user_id") do nothing`,
      [JSON.stringify([...ids].sort())],
    );
    const now = clock.now();
    const rows = await execute<{ user_id: string }[]>(
      `with "wanted" as (
         select "id", "position" from json_array_elements_text(?::json) with ordinality as "w"("id", "position")
       ), "picked" as (
         select "lease"."user_id" from "user_leases" as "lease" join "wanted" on "wanted"."id" = "lease"."user_id"
         where "lease"."owner" = ? or "lease"."expires_at" <= ?
         order by ("lease"."owner" = ? and "lease"."expires_at" > ?) desc, "wanted"."position"
         limit ?
         for update of "lease" skip locked
       )
       update "user_leases" set "owner" = ?, "expires_at" = ?
       from "picked" where "user_leases"."user_id" = "picked"."user_id"
       returning "user_leases"."user_id"`,
      [JSON.stringify(ids), owner, now, owner, now, maxUsers, owner, now + ttlMs],
    );
    return rows.map((row) => row.user_id);
  };

  return {
    claimUsers: (owner, userIds, ttlMs, options = {}) =>
      guarded('claimUsers', async () => {
        checkOwner(owner);
        checkTtl(ttlMs);
        const { maxUsers } = options;
        if (maxUsers !== undefined && !(Number.isInteger(maxUsers) && maxUsers >= 0))
          throw new ConfigError('claim maxUsers must be a non-negative integer');
        const unique = [...new Set(userIds)];
        if (unique.length === 0 || maxUsers === 0) return [];
        const claim = () =>
          maxUsers === undefined
            ? claimAll(owner, [...unique].sort(), Math.ceil(ttlMs))
            : claimUpTo(owner, unique, Math.ceil(ttlMs), maxUsers);
        let held: string[];
        try {
          held = await claim();
        } catch (error) {
          // Sorted claims do not deadlock among themselves; retry once in case another writer interfered.
          if (!DEADLOCK_OR_SERIALIZATION.has(sqlState(error) ?? '')) throw error;
          held = await claim();
        }
        const heldSet = new Set(held);
        return unique.filter((id) => heldSet.has(id));
      }),

    releaseUsers: (owner, userIds) =>
      guarded('releaseUsers', async () => {
        if (userIds === undefined) {
          await execute(`delete from "user_leases" where "owner" = ?`, [owner]);
          await execute(`delete from "engine_heartbeats" where "owner" = ?`, [owner]);
          return;
        }
        if (userIds.length === 0) return;
        await execute(
          `delete from "user_leases" where "owner" = ? and "user_id" in (select json_array_elements_text(?::json))`,
          [owner, JSON.stringify([...new Set(userIds)])],
        );
      }),

    liveOwners: (owner, ttlMs) =>
      guarded('liveOwners', async () => {
        checkOwner(owner);
        checkTtl(ttlMs);
        const now = clock.now();
        // One statement: this owner's heartbeat, long-dead owners forgotten, the others counted.
        const [row] = await execute<{ others: string | number }[]>(
          `with "beat" as (
             insert into "engine_heartbeats" ("owner", "expires_at") values (?, ?)
             on conflict ("owner") do update set "expires_at" = excluded."expires_at"
             returning "owner"
           ), "forgotten" as (
             delete from "engine_heartbeats" where "expires_at" <= ? and "owner" <> ?
           )
           select count(*) as "others" from "engine_heartbeats" where "owner" <> ? and "expires_at" > ?`,
          [owner, now + Math.ceil(ttlMs), now - Math.ceil(ttlMs), owner, owner, now],
        );
        return 1 + Number(row?.others ?? 0);
      }),
  };
}
