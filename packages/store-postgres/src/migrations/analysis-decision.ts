import { Migration } from '@mikro-orm/migrations';

/**
 * The decision record: how an analysis was made (mode, the hash of the input the model saw), the
 * policy applied and what the model said before it (shared mode), the risk verdict, and the trade
 * and entry client order id it led to. Structured parts are JSON text, validated on read.
 */
export class AnalysisDecision20261202 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "analysis_records" add column "mode" varchar(8) null;`);
    this.addSql(`alter table "analysis_records" add column "input_hash" varchar(32) null;`);
    this.addSql(`alter table "analysis_records" add column "model_signal" text null;`);
    this.addSql(`alter table "analysis_records" add column "policy" text null;`);
    this.addSql(`alter table "analysis_records" add column "verdict" text null;`);
    this.addSql(`alter table "analysis_records" add column "trade_id" varchar(64) null;`);
    this.addSql(`alter table "analysis_records" add column "client_order_id" varchar(36) null;`);
  }

  override async down(): Promise<void> {
    for (const column of [
      'client_order_id',
      'trade_id',
      'verdict',
      'policy',
      'model_signal',
      'input_hash',
      'mode',
    ])
      this.addSql(`alter table "analysis_records" drop column if exists "${column}";`);
  }
}
