import { VirtualClock } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../test/support/caught';
import { startTemporaryPostgres, type TemporaryPostgres } from '../test/support/temporary-postgres';
import { createPostgresStore, type PostgresStore } from './postgres-store';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
let server: TemporaryPostgres;
let store: PostgresStore;
let counter = 0;

function newUser(overrides: Partial<{ username: string; email: string; passwordHash: string }> = {}) {
  counter += 1;
  return {
    username: `trader${counter}`,
    email: `trader${counter}@example.com`,
    passwordHash: `$argon2id$v=19$hash-${counter}`,
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startTemporaryPostgres();
  store = await createPostgresStore({ url: server.url, clock: new VirtualClock(T0) });
});

afterAll(async () => {
  await store?.close();
  await server?.destroy();
});

describe('users', () => {
  it('creates a user and finds it by username and id', async () => {
    const input = newUser();
    const created = await store.users.create(input);
    expect(created).toEqual({ id: expect.any(String), ...input, createdAt: T0, sessionVersion: 0 });
    expect(await store.users.findByUsername(input.username)).toEqual(created);
    expect(await store.users.findById(created.id)).toEqual(created);
    expect(await store.users.findByUsername('nobody-here')).toBeNull();
    expect(await store.users.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
    const [row] = await store.query<{ username: string; password_hash: string }>(
      'select username, password_hash from users where id = ?',
      [created.id],
    );
    expect(row).toEqual({ username: input.username, password_hash: input.passwordHash });
  });

  it('throws ConflictError for a taken username, without revealing the password hash', async () => {
    const first = newUser();
    await store.users.create(first);
    const duplicate = newUser({ username: first.username, passwordHash: 'secret-hash-of-the-second' });
    const error = await caught(store.users.create(duplicate));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/username/);
    expect(`${error.message} ${String(error.cause)} ${JSON.stringify(error)}`).not.toContain(
      'secret-hash-of-the-second',
    );
    expect(await store.query('select 1 from users where email = ?', [duplicate.email])).toEqual([]);
  });

  it('throws ConflictError for an email taken in any letter case', async () => {
    const first = newUser();
    await store.users.create(first);
    const error = await caught(store.users.create(newUser({ email: first.email.toUpperCase() })));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/email/);
  });

  it('refuses an empty username', async () => {
    expect((await caught(store.users.create(newUser({ username: '' })))).code).toBe('STORE');
  });

  it('stores, replaces and removes encrypted exchange credentials', async () => {
    const user = await store.users.create(newUser());
    expect(await store.users.getExchangeCredentials(user.id)).toBeNull();
    await store.users.setExchangeCredentials(user.id, 'v1:iv:ciphertext-a');
    expect(await store.users.getExchangeCredentials(user.id)).toBe('v1:iv:ciphertext-a');
    await store.users.setExchangeCredentials(user.id, 'v1:iv:ciphertext-b');
    expect(await store.users.getExchangeCredentials(user.id)).toBe('v1:iv:ciphertext-b');
    // Never part of a user record.
    expect(JSON.stringify(await store.users.findById(user.id))).not.toContain('ciphertext');
    await store.users.setExchangeCredentials(user.id, null);
    expect(await store.users.getExchangeCredentials(user.id)).toBeNull();
  });

  it('never passes password hashes or credentials to the logger', async () => {
    const logged: string[] = [];
    const logging = await createPostgresStore({ url: server.url, logger: (line) => logged.push(line) });
    try {
      const user = await logging.users.create(newUser({ passwordHash: 'logged-hash-must-not-appear' }));
      await logging.users.setExchangeCredentials(user.id, 'logged-ciphertext-must-not-appear');
      await logging.users.findById(user.id);
      await logging.users
        .create(newUser({ username: user.username, passwordHash: 'second-hash-must-not-appear' }))
        .catch(() => {});
    } finally {
      await logging.close();
    }
    expect(logged.join('\n')).not.toMatch(/must-not-appear/);
  });

  it('stores, replaces and removes encrypted notification settings, per user, and refuses an unknown user', async () => {
    const [user, other] = [await store.users.create(newUser()), await store.users.create(newUser())];
    expect(await store.users.getNotificationSettings(user.id)).toBeNull();
    await store.users.setNotificationSettings(user.id, 'v1:iv:settings-a');
    await store.users.setNotificationSettings(other.id, 'v1:iv:settings-other');
    await store.users.setNotificationSettings(user.id, 'v1:iv:settings-b');
    expect(await store.users.getNotificationSettings(user.id)).toBe('v1:iv:settings-b');
    expect(await store.users.getNotificationSettings(other.id)).toBe('v1:iv:settings-other');
    await store.users.setNotificationSettings(user.id, null);
    expect(await store.users.getNotificationSettings(user.id)).toBeNull();
    expect(await store.users.getNotificationSettings(other.id)).toBe('v1:iv:settings-other');
    expect((await caught(store.users.setNotificationSettings('no-such-user', 'x'))).code).toBe('NOT_FOUND');
    expect((await caught(store.users.setNotificationSettings(user.id, ''))).code).toBe('STORE');
  });

  it('pages through stored credentials by id and replaces them only if unchanged', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) {
      const user = await store.users.create(newUser());
      await store.users.setExchangeCredentials(user.id, `v1:page:${user.id}`);
      users.push(user);
    }
    await store.users.create(newUser()); // no credentials: never listed
    const all: { userId: string; encrypted: string }[] = [];
    for (let after: string | null = null; ; ) {
      const page = await store.users.exchangeCredentialsPage(after, 2);
      all.push(...page);
      if (page.length < 2) break;
      after = page.at(-1)!.userId;
    }
    const ids = all.map((row) => row.userId);
    expect(ids).toEqual([...ids].sort());
    for (const user of users)
      expect(all).toContainEqual({ userId: user.id, encrypted: `v1:page:${user.id}` });
    const [first] = users;
    expect(await store.users.replaceExchangeCredentials(first!.id, 'v1:stale', 'v1:new')).toBe(false);
    expect(await store.users.getExchangeCredentials(first!.id)).toBe(`v1:page:${first!.id}`);
    expect(await store.users.replaceExchangeCredentials(first!.id, `v1:page:${first!.id}`, 'v1:new')).toBe(
      true,
    );
    expect(await store.users.getExchangeCredentials(first!.id)).toBe('v1:new');
    expect((await caught(store.users.exchangeCredentialsPage(null, 0))).code).toBe('STORE');
  });

  it('pages through stored notification settings by id and replaces them only if unchanged', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) {
      const user = await store.users.create(newUser());
      await store.users.setNotificationSettings(user.id, `v1:notify:${user.id}`);
      users.push(user);
    }
    await store.users.create(newUser()); // no settings: never listed
    const all: { userId: string; encrypted: string }[] = [];
    for (let after: string | null = null; ; ) {
      const page = await store.users.notificationSettingsPage(after, 2);
      all.push(...page);
      if (page.length < 2) break;
      after = page.at(-1)!.userId;
    }
    const ids = all.map((row) => row.userId);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const user of users)
      expect(all).toContainEqual({ userId: user.id, encrypted: `v1:notify:${user.id}` });
    const [first] = users;
    expect(await store.users.replaceNotificationSettings(first!.id, 'v1:stale', 'v1:new')).toBe(false);
    expect(await store.users.getNotificationSettings(first!.id)).toBe(`v1:notify:${first!.id}`);
    expect(await store.users.replaceNotificationSettings(first!.id, `v1:notify:${first!.id}`, 'v1:new')).toBe(
      true,
    );
    expect(await store.users.getNotificationSettings(first!.id)).toBe('v1:new');
    expect((await caught(store.users.notificationSettingsPage(null, 1001))).code).toBe('STORE');
    expect((await caught(store.users.replaceNotificationSettings(first!.id, 'v1:new', ''))).code).toBe(
      'STORE',
    );
  });

  it('keeps a trading mode per user: paper for a new user, then what is set', async () => {
    const user = await store.users.create(newUser());
    expect(await store.users.getTradingMode(user.id)).toBe('paper');
    await store.users.setTradingMode(user.id, 'live');
    expect(await store.users.getTradingMode(user.id)).toBe('live');
    expect(await store.users.getTradingMode('no-such-user')).toBeNull();
    expect((await caught(store.users.setTradingMode('no-such-user', 'paper'))).code).toBe('NOT_FOUND');
    expect((await caught(store.users.setTradingMode(user.id, 'margin' as never))).code).toBe('STORE');
    expect(JSON.stringify(await store.users.findById(user.id))).not.toContain('live');
  });

  it('migrates users who had stored keys to live (they traded live before modes existed)', async () => {
    await store.query('create database before_trading_mode');
    const url = server.url.replace(/\/trd$/, '/before_trading_mode');
    const first = await createPostgresStore({ url });
    const withKeys = await first.users.create(newUser());
    const without = await first.users.create(newUser());
    await first.users.setExchangeCredentials(withKeys.id, 'v1:sealed');
    // As the database was before UserTradingMode20261203.
    await first.query('alter table "users" drop column "trading_mode"');
    await first.query(`delete from "trd_migrations" where "name" = 'UserTradingMode20261203'`);
    await first.close();
    const migrated = await createPostgresStore({ url });
    try {
      expect(await migrated.users.getTradingMode(withKeys.id)).toBe('live');
      expect(await migrated.users.getTradingMode(without.id)).toBe('paper');
    } finally {
      await migrated.close();
    }
  });

  it('throws NotFoundError when setting credentials of an unknown user', async () => {
    expect((await caught(store.users.setExchangeCredentials('no-such-user', 'x'))).code).toBe('NOT_FOUND');
    expect(await store.users.getExchangeCredentials('no-such-user')).toBeNull();
  });

  it('treats usernames and emails equal once NFKC-normalised and case-folded as taken, keeping the display form', async () => {
    counter += 1;
    const display = newUser({ username: `Mixed${counter}Case`, email: `Mixed${counter}@Example.com` });
    const created = await store.users.create(display);
    expect(created.username).toBe(display.username);
    expect(created.email).toBe(display.email);
    const sameName = await caught(store.users.create(newUser({ username: display.username.toLowerCase() })));
    expect(sameName.code).toBe('CONFLICT');
    expect(sameName.message).toMatch(/username/);
    const sameEmail = await caught(store.users.create(newUser({ email: display.email.toUpperCase() })));
    expect(sameEmail.code).toBe('CONFLICT');
    expect(sameEmail.message).toMatch(/email/);
    // Full-width letters are the same name once NFKC-normalised.
    const fullWidth = display.username
      .toUpperCase()
      .replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    expect((await store.users.findByUsername(fullWidth))?.id).toBe(created.id);
  });

  it('answers concurrent session-version reads of many users, each its own, a revocation seen by reads after it', async () => {
    const users = await Promise.all([...Array(6).keys()].map(() => store.users.create(newUser())));
    const [revoked] = users;
    if (!revoked) throw new Error('no user');
    await store.users.revokeSessions(revoked.id);
    await store.users.revokeSessions(revoked.id);
    const ids = [...users.map((user) => user.id), revoked.id, 'no-such-user', revoked.id];
    const versions = await Promise.all(ids.map((id) => store.users.sessionVersion(id)));
    expect(versions).toEqual([2, 0, 0, 0, 0, 0, 2, null, 2]);
    // A read made after a revocation returned sees it, however many reads run around it.
    const reads = ids.map((id) => store.users.sessionVersion(id));
    await store.users.revokeSessions(revoked.id);
    const after = await store.users.sessionVersion(revoked.id);
    await Promise.all(reads);
    expect(after).toBe(3);
  });

  it('revokeSessions increments the session version; unknown users have none', async () => {
    const created = await store.users.create(newUser());
    expect(await store.users.sessionVersion(created.id)).toBe(0);
    expect(await store.users.revokeSessions(created.id)).toBe(1);
    expect(await store.users.sessionVersion(created.id)).toBe(1);
    expect(await store.users.sessionVersion('00000000-0000-0000-0000-000000000000')).toBeNull();
    expect((await caught(store.users.revokeSessions('00000000-0000-0000-0000-000000000000'))).code).toBe(
      'NOT_FOUND',
    );
  });
});
