import { Migration } from '@mikro-orm/migrations';

/**
 * Position lifecycle: an open position is `protected` (an exit pair works, `exit_ref`) or
 * `unprotected` since a time (no exit yet, or it was refused, cancelled, or its stop did not
 * fill). Positions opened before this migration all had an exit, so they become `protected`.
 * Also: the exit's note and quantity on trades (room for the longer exit reasons), the exit
 * percents on entry intents, and the dust each user holds per symbol.
 */
export class PositionProtection20261202 extends Migration {
  override async up(): Promise<void> {
    // The default fills the existing rows; dropped after, so every new row must say which it is.
    this.addSql(
      `alter table "open_positions" add column "protection" varchar(11) not null default 'protected';`,
    );
    this.addSql(`alter table "open_positions" alter column "protection" drop default;`);
    this.addSql(`alter table "open_positions" add column "unprotected_since" bigint null;`);
    this.addSql(`alter table "open_positions" alter column "exit_ref" drop not null;`);
    this.addSql(
      `alter table "open_positions" add constraint "open_positions_protection_check" check (("protection" = 'protected' and "exit_ref" is not null and "unprotected_since" is null) or ("protection" = 'unprotected' and "exit_ref" is null and "unprotected_since" is not null));`,
    );

    // 'EXIT_UNPLACEABLE' fills varchar(16): as wide as the journal's reason instead.
    this.addSql(`alter table "trades" alter column "exit_reason" type varchar(32);`);
    this.addSql(`alter table "trades" add column "exit_note" text null;`);
    this.addSql(`alter table "trades" add column "exit_quantity" numeric(36,18) null;`);
    // The entry's exact cash and base flows: realized P&L is computed from them.
    this.addSql(`alter table "trades" add column "entry_quote_amount" numeric(36,18) null;`);
    this.addSql(`alter table "trades" add column "entry_net_quantity" numeric(36,18) null;`);

    this.addSql(`alter table "order_intents" add column "take_profit_percent" double precision null;`);
    this.addSql(`alter table "order_intents" add column "stop_loss_percent" double precision null;`);

    this.addSql(
      `create table "portfolio_dust" ("user_id" varchar(64) collate "C" not null, "symbol" varchar(20) not null, "asset" varchar(20) not null, "quantity" numeric(36,18) not null, "cost" numeric(36,18) not null, constraint "portfolio_dust_pkey" primary key ("user_id", "symbol"), constraint "portfolio_dust_portfolio_fk" foreign key ("user_id") references "portfolio" ("user_id"), constraint "portfolio_dust_amounts_check" check ("quantity" > 0 and "cost" >= 0));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "portfolio_dust";`);
    this.addSql(`alter table "order_intents" drop column if exists "stop_loss_percent";`);
    this.addSql(`alter table "order_intents" drop column if exists "take_profit_percent";`);
    this.addSql(`alter table "trades" drop column if exists "entry_net_quantity";`);
    this.addSql(`alter table "trades" drop column if exists "entry_quote_amount";`);
    this.addSql(`alter table "trades" drop column if exists "exit_quantity";`);
    this.addSql(`alter table "trades" drop column if exists "exit_note";`);
    // Fails (and rolls back) if a trade holds a reason longer than the old column: no silent cut.
    this.addSql(`alter table "trades" alter column "exit_reason" type varchar(16);`);
    this.addSql(`alter table "open_positions" drop constraint if exists "open_positions_protection_check";`);
    // Fails while an unprotected position exists: protect or close it before going back.
    this.addSql(`alter table "open_positions" alter column "exit_ref" set not null;`);
    this.addSql(`alter table "open_positions" drop column if exists "unprotected_since";`);
    this.addSql(`alter table "open_positions" drop column if exists "protection";`);
  }
}
