import { Migration } from '@mikro-orm/migrations';

/**
 * Fair share between engine processes: one heartbeat row per live engine (`liveOwners`), so each
 * engine can claim `ceil(active users / live engines)` users.
 */
export class EngineHeartbeats20261125 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "engine_heartbeats" ("owner" varchar(128) not null, "expires_at" bigint not null, constraint "engine_heartbeats_pkey" primary key ("owner"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "engine_heartbeats" cascade;`);
  }
}
