import { Migration } from '@mikro-orm/migrations';

/**
 * Usernames and emails unique by their normalised form (Unicode NFKC, case-folded: `identityKey`),
 * the display form kept in `username` / `email`; and a per-user session version that a token
 * carries, so revoking sessions (or deleting the user) ends every token issued before.
 * Rows that collide once normalised (e.g. "Alice" and "alice" from before) keep working: the
 * later ones get their id appended to the key, so the oldest account owns the name.
 */
export class UserIdentity20261202 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "users" add column "username_key" varchar(64) null, add column "email_key" varchar(320) null, add column "session_version" integer not null default 0;`,
    );
    this.addSql(
      `update "users" set "username_key" = lower(normalize("username", NFKC)), "email_key" = lower(normalize("email", NFKC));`,
    );
    this.addSql(
      `update "users" u set "username_key" = u."username_key" || '#' || u."id" where exists (select 1 from "users" o where o."username_key" = u."username_key" and (o."created_at", o."id") < (u."created_at", u."id"));`,
    );
    this.addSql(
      `update "users" u set "email_key" = u."email_key" || '#' || u."id" where exists (select 1 from "users" o where o."email_key" = u."email_key" and (o."created_at", o."id") < (u."created_at", u."id"));`,
    );
    this.addSql(
      `alter table "users" alter column "username_key" set not null, alter column "email_key" set not null;`,
    );
    this.addSql(`alter table "users" add constraint "users_username_key_unique" unique ("username_key");`);
    this.addSql(`alter table "users" add constraint "users_email_key_unique" unique ("email_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "users" drop constraint if exists "users_email_key_unique", drop constraint if exists "users_username_key_unique", drop column if exists "session_version", drop column if exists "email_key", drop column if exists "username_key";`,
    );
  }
}
