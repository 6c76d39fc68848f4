import type { Clock } from '@trd/core';
import type { PostgresStore } from '@trd/store-postgres';

/**
 * The engine that holds `userId`'s lease now (`user_leases`, what `claimUsers` writes), or `null`
 * when no live lease exists. Times are Unix ms on the store's clock, as the leases are written.
 */
export function createLeaseHolderLookup(
  store: Pick<PostgresStore, 'query'>,
  clock: Clock,
): (userId: string) => Promise<string | null> {
  return async (userId) => {
    const [row] = await store.query<{ owner: string }>(
      'select "owner" from "user_leases" where "user_id" = ? and "expires_at" > ?',
      [userId, clock.now()],
    );
    return row?.owner ?? null;
  };
}
