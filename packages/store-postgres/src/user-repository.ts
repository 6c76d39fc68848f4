import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type Clock, ConflictError, NotFoundError } from '@trd/core';
import { UserEntity, type UserRow } from './entities';
import { guarded, invalidInput, isUniqueViolation, violatedConstraint } from './store-errors';

/** An account of the example server. `passwordHash` is whatever the server's hasher produced. */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  /** Unix ms. */
  createdAt: number;
}

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
}

/**
 * Accounts for the example server.
 * - `create` MUST throw `ConflictError` when the username (exact) or the email (any case) is taken.
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
  return {
    create: (user) =>
      guarded('users.create', async () => {
        const row: UserRow = {
          id: randomUUID(),
          username: requireText('username', user.username, USERNAME_MAX),
          email: requireText('email', user.email, EMAIL_MAX),
          passwordHash: requireText('passwordHash', user.passwordHash, 4096),
          exchangeCredentials: null,
          createdAt: clock.now(),
        };
        try {
          await fork().insert(UserEntity, row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const field = violatedConstraint(error) === 'users_email_unique' ? 'email' : 'username';
          throw new ConflictError(`${field} is already taken`);
        }
        return toRecord(row);
      }),

    findByUsername: (username) =>
      guarded('users.findByUsername', async () => {
        const row = await fork().findOne(UserEntity, { username });
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
        const row = await fork().findOne(UserEntity, { id: userId }, { fields: ['exchangeCredentials'] });
        return row?.exchangeCredentials ?? null;
      }),
  };
}
