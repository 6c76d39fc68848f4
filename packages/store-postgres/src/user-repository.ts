import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type Clock, ConflictError, NotFoundError } from '@trd/core';
import { UserEntity, type UserRow } from './entities';
import { groupCommit } from './group-commit';
import { preparedStatements } from './prepared-statements';
import { textArray } from './raw-rows';
import { guarded, invalidInput, isUniqueViolation, violatedConstraint } from './store-errors';

/** Where a user's orders go: `paper` (a simulated venue) or `live` (their own exchange account). */
export type TradingMode = 'paper' | 'live';

/** An account of the example server. `passwordHash` is whatever the server's hasher produced. */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  /** Unix ms. */
  createdAt: number;
  /** Tokens issued at this version are valid; `revokeSessions` increments it. */
  sessionVersion: number;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
}

/**
 * What makes two usernames (or two emails) the same account: Unicode NFKC, then case-folded, so
 * "Alice", "ALICE" and the full-width "ａｌｉｃｅ" are one name. The display form is stored as given.
 */
export function identityKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/**
 * Accounts for the example server.
 * - `create` MUST throw `ConflictError` when the username or the email is taken, compared by
 *   `identityKey` (NFKC, case-folded); `findByUsername` finds by the same key.
 * - Exchange credentials are stored as given (the caller encrypts them) and never returned by the
 *   other methods.
 */
export interface UserRepository {
  create(user: NewUser): Promise<UserRecord>;
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** Replaces (or with `null` removes) the user's encrypted exchange credentials. `NotFoundError` for an unknown user. */
  setExchangeCredentials(userId: string, encrypted: string | null): Promise<void>;
  /** The encrypted credentials, or `null` when none are set or the user does not exist. */
  getExchangeCredentials(userId: string): Promise<string | null>;
  /**
   * Replaces (or with `null` removes) the user's notification settings, encrypted by the caller.
   * `NotFoundError` for an unknown user.
   */
  setNotificationSettings(userId: string, encrypted: string | null): Promise<void>;
  /** The encrypted notification settings, or `null` when none are set. */
  getNotificationSettings(userId: string): Promise<string | null>;
  /**
   * Users with stored credentials, ordered by id, after `afterUserId` (from the start when `null`),
   * at most `limit` (1..1000): for re-encrypting them all under a new key, page by page.
   */
  exchangeCredentialsPage(
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; encrypted: string }[]>;
  /**
   * Replaces the user's credentials only if they still are `expected` (compare-and-set), so a
   * rotation never overwrites keys the user changed meanwhile. Resolves whether it replaced them.
   */
  replaceExchangeCredentials(userId: string, expected: string, encrypted: string): Promise<boolean>;
  /**
   * Users with stored notification settings, ordered by id, after `afterUserId` (from the start
   * when `null`), at most `limit` (1..1000): for re-encrypting them all under a new key.
   */
  notificationSettingsPage(
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; encrypted: string }[]>;
  /**
   * Replaces the user's notification settings only if they still are `expected` (compare-and-set),
   * so a rotation never overwrites settings the user changed meanwhile. Resolves whether it did.
   */
  replaceNotificationSettings(userId: string, expected: string, encrypted: string): Promise<boolean>;
  /** The user's trading mode (`paper` for a new user), or `null` when the user does not exist. */
  getTradingMode(userId: string): Promise<TradingMode | null>;
  /** Sets it. `NotFoundError` for an unknown user. */
  setTradingMode(userId: string, mode: TradingMode): Promise<void>;
  /** The user's current session version, or `null` when the user does not exist. */
  sessionVersion(userId: string): Promise<number | null>;
  /** Ends every session: increments the session version and returns it. `NotFoundError` for an unknown user. */
  revokeSessions(userId: string): Promise<number>;
}

const USERNAME_MAX = 64;
const EMAIL_MAX = 320;

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.passwordHash,
    createdAt: row.createdAt,
    sessionVersion: row.sessionVersion,
  };
}

function requireText(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalidInput(`${field} must be a non-empty string`);
  if (value.length > max) throw invalidInput(`${field} is longer than ${max} characters`);
  return value;
}

export function createUserRepository(orm: MikroORM, clock: Clock): UserRepository {
  const fork = () => orm.em.fork();
  const knex = orm.em.getConnection().getKnex();
  const select = preparedStatements(knex);
  // Every authenticated request asks, so concurrent requests share one prepared read (of several
  // users, and one answer for the same user asked twice while a read runs).
  const sessionVersion = groupCommit<string, number | null>({
    key: (userId) => userId,
    read: true,
    maxRows: 500,
    one: async (userId) => {
      const [row] = await select<{ session_version: number }>(
        'select "session_version" from "users" where "id" = ?',
        [userId],
      );
      return row ? row.session_version : null;
    },
    many: async (userIds) => {
      const rows = await select<{ id: string; session_version: number }>(
        'select "id", "session_version" from "users" where "id" = any(?::text[])',
        [textArray(userIds)],
      );
      const byId = new Map(rows.map((row) => [row.id, row.session_version]));
      return userIds.map((userId) => byId.get(userId) ?? null);
    },
  });
  return {
    create: (user) =>
      guarded('users.create', async () => {
        const username = requireText('username', user.username, USERNAME_MAX);
        const email = requireText('email', user.email, EMAIL_MAX);
        const row: UserRow = {
          id: randomUUID(),
          username,
          email,
          usernameKey: requireText('username', identityKey(username), USERNAME_MAX),
          emailKey: requireText('email', identityKey(email), EMAIL_MAX),
          sessionVersion: 0,
          passwordHash: requireText('passwordHash', user.passwordHash, 4096),
          exchangeCredentials: null,
          tradingMode: 'paper',
          createdAt: clock.now(),
        };
        try {
          await fork().insert(UserEntity, row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const constraint = violatedConstraint(error);
          const field =
            constraint === 'users_email_unique' || constraint === 'users_email_key_unique'
              ? 'email'
              : 'username';
          throw new ConflictError(`${field} is already taken`);
        }
        return toRecord(row);
      }),

    findByUsername: (username) =>
      guarded('users.findByUsername', async () => {
        if (typeof username !== 'string') throw invalidInput('username must be a string');
        const row = await fork().findOne(UserEntity, { usernameKey: identityKey(username) });
        return row ? toRecord(row) : null;
      }),

    findById: (id) =>
      guarded('users.findById', async () => {
        const row = await fork().findOne(UserEntity, { id });
        return row ? toRecord(row) : null;
      }),

    setExchangeCredentials: (userId, encrypted) =>
      guarded('users.setExchangeCredentials', async () => {
        if (encrypted !== null && typeof encrypted !== 'string')
          throw invalidInput('encrypted credentials must be a string or null');
        const updated = await fork().nativeUpdate(
          UserEntity,
          { id: userId },
          { exchangeCredentials: encrypted },
        );
        if (updated === 0) throw new NotFoundError(`no user ${userId}`);
      }),

    getExchangeCredentials: (userId) =>
      guarded('users.getExchangeCredentials', async () => {
        // Raw and prepared: the Binance account of a request or an engine user reads it.
        const [row] = await select<{ exchange_credentials: string | null }>(
          'select "exchange_credentials" from "users" where "id" = ?',
          [userId],
        );
        return row?.exchange_credentials ?? null;
      }),

    setNotificationSettings: (userId, encrypted) =>
      guarded('users.setNotificationSettings', async () => {
        if (encrypted === null) {
          await select('delete from "user_notifications" where "user_id" = ?', [userId]);
          return;
        }
        if (typeof encrypted !== 'string' || encrypted.length === 0)
          throw invalidInput('encrypted notification settings must be a non-empty string or null');
        // Only for a user that exists: the insert selects from users, so an unknown id writes nothing.
        const written = await select(
          `insert into "user_notifications" ("user_id", "settings", "updated_at")
           select "id", ?, ? from "users" where "id" = ?
           on conflict ("user_id") do update set "settings" = excluded."settings", "updated_at" = excluded."updated_at"
           returning "user_id"`,
          [encrypted, clock.now(), userId],
        );
        if (written.length === 0) throw new NotFoundError(`no user ${userId}`);
      }),

    getNotificationSettings: (userId) =>
      guarded('users.getNotificationSettings', async () => {
        const [row] = await select<{ settings: string }>(
          'select "settings" from "user_notifications" where "user_id" = ?',
          [userId],
        );
        return row?.settings ?? null;
      }),

    exchangeCredentialsPage: (afterUserId, limit) =>
      guarded('users.exchangeCredentialsPage', async () => {
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw invalidInput('limit must be an integer in 1..1000');
        const rows = await fork().find(
          UserEntity,
          {
            exchangeCredentials: { $ne: null },
            ...(afterUserId === null ? {} : { id: { $gt: afterUserId } }),
          },
          { fields: ['id', 'exchangeCredentials'], orderBy: { id: 'asc' }, limit },
        );
        return rows.map((row) => ({ userId: row.id, encrypted: row.exchangeCredentials as string }));
      }),

    replaceExchangeCredentials: (userId, expected, encrypted) =>
      guarded('users.replaceExchangeCredentials', async () => {
        if (typeof expected !== 'string' || typeof encrypted !== 'string')
          throw invalidInput('encrypted credentials must be strings');
        const updated = await fork().nativeUpdate(
          UserEntity,
          { id: userId, exchangeCredentials: expected },
          { exchangeCredentials: encrypted },
        );
        return updated === 1;
      }),

    notificationSettingsPage: (afterUserId, limit) =>
      guarded('users.notificationSettingsPage', async () => {
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw invalidInput('limit must be an integer in 1..1000');
        const rows = await select<{ user_id: string; settings: string }>(
          `select "user_id", "settings" from "user_notifications"
           where ?::text is null or "user_id" > ?::text
           order by "user_id" limit ?`,
          [afterUserId, afterUserId, limit],
        );
        return rows.map((row) => ({ userId: row.user_id, encrypted: row.settings }));
      }),

    replaceNotificationSettings: (userId, expected, encrypted) =>
      guarded('users.replaceNotificationSettings', async () => {
        if (typeof expected !== 'string' || typeof encrypted !== 'string' || encrypted.length === 0)
          throw invalidInput('encrypted notification settings must be non-empty strings');
        const updated = await select(
          `update "user_notifications" set "settings" = ?, "updated_at" = ?
           where "user_id" = ? and "settings" = ? returning "user_id"`,
          [encrypted, clock.now(), userId, expected],
        );
        return updated.length === 1;
      }),

    getTradingMode: (userId) =>
      guarded('users.getTradingMode', async () => {
        const row = await fork().findOne(UserEntity, { id: userId }, { fields: ['tradingMode'] });
        return row ? row.tradingMode : null;
      }),

    setTradingMode: (userId, mode) =>
      guarded('users.setTradingMode', async () => {
        if (mode !== 'paper' && mode !== 'live') throw invalidInput("trading mode must be 'paper' or 'live'");
        const updated = await fork().nativeUpdate(UserEntity, { id: userId }, { tradingMode: mode });
        if (updated === 0) throw new NotFoundError(`no user ${userId}`);
      }),

    sessionVersion: (userId) => guarded('users.sessionVersion', () => sessionVersion(userId)),

    revokeSessions: (userId) =>
      guarded('users.revokeSessions', async () => {
        const rows = (await knex.raw(
          'update "users" set "session_version" = "session_version" + 1 where "id" = ? returning "session_version"',
          [userId],
        )) as { rows: { session_version: number }[] };
        const row = rows.rows[0];
        if (!row) throw new NotFoundError(`no user ${userId}`);
        return row.session_version;
      }),
  };
}
