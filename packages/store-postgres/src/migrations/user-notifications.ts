import { Migration } from '@mikro-orm/migrations';

/**
 * Each user's notification settings (webhook URL, its signing secret, which events), one row per
 * user who set them, encrypted by the server as one opaque text like the exchange credentials:
 * the secret never lies in clear. Deleted with the user.
 */
export class UserNotifications20261203 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "user_notifications" ("user_id" varchar(64) collate "C" not null, "settings" text not null, "updated_at" bigint not null, constraint "user_notifications_pkey" primary key ("user_id"), constraint "user_notifications_user_fk" foreign key ("user_id") references "users" ("id") on delete cascade);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "user_notifications";`);
  }
}
