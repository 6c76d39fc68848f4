import { Migration } from '@mikro-orm/migrations';

/** The cost of each model call (`usage.costUsd`), kept with the analysis for the audit trail. */
export class AnalysisCost20261125 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "analysis_records" add column "cost_usd" double precision null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "analysis_records" drop column if exists "cost_usd";`);
  }
}
