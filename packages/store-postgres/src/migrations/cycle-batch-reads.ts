import { Migration } from '@mikro-orm/migrations';

/**
 * The cycle's batch reads (`recentClosedTradesOf`, and `recentClosedTrades` per user): a partial
 * index on closed trades in exactly the order they are read (user, newest close first, then the
 * later opening, then the id: the memory store's order), so each user's last closes come straight
 * off the index: no sort, and no visit to trades that are not closed. See the README's "Batch
 * reads and indexes" for the plans.
 */
export class CycleBatchReads20261202 extends Migration {
  override async up(): Promise<void> {
    // On a large trades table the build may take longer than the store's statement timeout.
    this.addSql(`set local statement_timeout = 0;`);
    this.addSql(
      `create index "trades_user_closed_recent_index" on "trades" ("user_id", "closed_at" desc, "opened_at" desc, "id" desc) where "status" = 'closed';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "trades_user_closed_recent_index";`);
  }
}
