import { Migration } from '@mikro-orm/migrations';

/**
 * Each user's trading mode: `paper` (the simulated venue at the real market's prices) or `live`
 * (their own exchange account). New users start on paper; users who had stored exchange keys
 * traded live before this column existed and stay live.
 */
export class UserTradingMode20261203 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "users" add column "trading_mode" varchar(8) not null default 'paper' check ("trading_mode" in ('paper', 'live'));`,
    );
    this.addSql(`update "users" set "trading_mode" = 'live' where "exchange_credentials" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column if exists "trading_mode";`);
  }
}
