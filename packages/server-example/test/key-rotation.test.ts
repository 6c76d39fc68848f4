import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@trd/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBinance, startFakeBinance } from '../../exchange-binance/test/fake-binance/index';
import { notificationSealer } from '../src/notifications/notification-settings';
import { createCredentialCipher } from '../src/security/credential-cipher';
import { rotateCredentialsKey } from '../src/security/rotate-credentials-key-command';
import { type BinanceServer, keysOf, signUp, startBinanceServer } from './helpers/binance-server';
import { buySignal } from './helpers/test-server';

// Issue 18: a new CREDENTIALS_KEY without downtime. Servers with both keys read old and new
// ciphertexts; the command re-encrypts every stored credential; every user still trades.
const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');
const ALICE = keysOf('alice');
const BOB = keysOf('bob');
const accounts = [ALICE, BOB].map((keys) => ({ ...keys, balances: { USDT: '1000', BTC: '0' } }));

let root: string;
let postgres: EmbeddedPostgres;
let fake: FakeBinance;
const servers: BinanceServer[] = [];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trd-rotation-'));
  chmodSync(root, 0o755);
  postgres = await startEmbeddedPostgres({
    dataDir: join(root, 'postgres'),
    postgresFlags: ['-c', 'fsync=off'],
  });
  fake = await startFakeBinance({ rebaseCandlesTo: Date.now(), accounts });
});
afterAll(async () => {
  for (const server of servers) await server.close().catch(() => {});
  await fake?.close();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function start(env: Record<string, string>, dataDir?: string) {
  const server = await startBinanceServer({
    fake,
    ...(dataDir ? { dataDir } : {}),
    env: { DATABASE_URL: postgres.url, ...env },
  });
  servers.push(server);
  return server;
}

// Notification secrets: sealed like exchange keys, rotated with them. No event is switched on, so
// nothing is ever sent to the (unreachable) addresses below.
const WEBHOOK_SECRET = 'webhook-secret-that-signs-every-delivery';
const BOT_TOKEN = `123456789:${'T'.repeat(35)}`;
const NOTIFICATIONS = {
  webhook: { url: 'https://hooks.example.com/trd', secret: WEBHOOK_SECRET },
  telegram: { botToken: BOT_TOKEN, chatId: '-100200300' },
  events: { tradeOpened: false, tradeClosed: false, riskRejections: false, engineErrors: false },
};
const NOTIFICATIONS_VIEW = {
  webhook: { url: 'https://hooks.example.com/trd', secretSet: true },
  telegram: { chatId: '-100200300', botTokenSet: true },
  events: NOTIFICATIONS.events,
};

/** The user's stored notification settings opened under `key` alone, or null when it does not open them. */
const notificationsUnder = async (server: BinanceServer, key: Buffer, userId: string) => {
  const sealed = await server.runtime.store.users.getNotificationSettings(userId);
  try {
    return JSON.parse(notificationSealer(key).open(userId, sealed!)) as typeof NOTIFICATIONS;
  } catch {
    return null;
  }
};

const storedUnder = async (server: BinanceServer, key: Buffer, userId: string) => {
  const sealed = await server.runtime.store.users.getExchangeCredentials(userId);
  try {
    return createCredentialCipher(key).decrypt(userId, sealed!).apiKey;
  } catch {
    return null;
  }
};

describe('rotating CREDENTIALS_KEY beside running servers (DATABASE_URL)', () => {
  it('re-encrypts every stored key while servers keep trading, and every user trades after', async () => {
    const first = await start({ CREDENTIALS_KEY: b64(OLD_KEY) });
    const alice = await signUp(first, 'alice', ALICE);
    const bob = await signUp(first, 'bob', BOB);
    for (const user of [alice, bob]) await first.api.request('POST', '/trading/start', { token: user.token });
    const put = await first.api.request('PUT', '/account/notifications', {
      token: alice.token,
      body: NOTIFICATIONS,
    });
    expect(put.status).toBe(200);
    expect(await notificationsUnder(first, OLD_KEY, alice.id)).toMatchObject(NOTIFICATIONS);
    const price = await first.runtime.exchange.marketData.price('BTCUSDT');
    first.analyzer.script(buySignal(price));
    expect(await first.runtime.engine.runCycle()).toMatchObject({ opened: 2, errors: 0 });

    // A second process with both keys, beside the first: it reads what the old key sealed and
    // leaves it as it is (the first process still has only the old key).
    const second = await start({ CREDENTIALS_KEY: b64(NEW_KEY), CREDENTIALS_KEY_PREVIOUS: b64(OLD_KEY) });
    expect(await storedUnder(second, OLD_KEY, alice.id)).toBe(ALICE.apiKey);
    // ... and Alice's notification settings, still under the old key, too.
    const during = await second.api.request('GET', '/account/notifications', { token: alice.token });
    expect(during).toMatchObject({ status: 200, body: NOTIFICATIONS_VIEW });
    expect(await notificationsUnder(second, OLD_KEY, alice.id)).toMatchObject(NOTIFICATIONS);
    await first.close();

    // Every process has both keys now: the command.
    const lines: string[] = [];
    const code = await rotateCredentialsKey(
      {
        DATABASE_URL: postgres.url,
        DATA_DIR: join(root, 'command'),
        CREDENTIALS_KEY: b64(NEW_KEY),
        CREDENTIALS_KEY_PREVIOUS: b64(OLD_KEY),
      },
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(
      /exchange credentials 2 re-encrypted, 0 already under the new key, 0 changed meanwhile, 0 unreadable/,
    );
    expect(lines.join('\n')).toMatch(
      /notification settings 1 re-encrypted, 0 already under the new key, 0 changed meanwhile, 0 unreadable/,
    );
    for (const secret of [ALICE.apiKey, ALICE.secret, WEBHOOK_SECRET, BOT_TOKEN])
      expect(lines.join('\n')).not.toContain(secret);
    expect(await notificationsUnder(second, NEW_KEY, alice.id)).toMatchObject(NOTIFICATIONS);
    expect(await notificationsUnder(second, OLD_KEY, alice.id)).toBeNull();
    for (const [user, keys] of [
      [alice, ALICE],
      [bob, BOB],
    ] as const) {
      expect(await storedUnder(second, NEW_KEY, user.id)).toBe(keys.apiKey);
      expect(await storedUnder(second, OLD_KEY, user.id)).toBeNull();
    }
    // Run again: nothing left to do.
    expect(
      await rotateCredentialsKey(
        {
          DATABASE_URL: postgres.url,
          DATA_DIR: join(root, 'command'),
          CREDENTIALS_KEY: b64(NEW_KEY),
          CREDENTIALS_KEY_PREVIOUS: b64(OLD_KEY),
        },
        (line) => lines.push(line),
      ),
    ).toBe(0);
    expect(lines.at(-1)).toMatch(
      /exchange credentials 0 re-encrypted, 2 already under the new key.*notification settings 0 re-encrypted, 1 already under the new key/,
    );

    // The running process trades on: Alice closes her trade by hand, on her own account.
    const [aliceTrade] = (await second.runtime.store.listTrades(alice.id, { limit: 5, offset: 0 })).trades;
    const closed = await second.api.request('POST', `/trading/close/${aliceTrade!.id}`, {
      token: alice.token,
    });
    expect(closed.status).toBe(200);
    await second.close();

    // The old key is gone for good: both users still trade, each with their own keys.
    const third = await start({ CREDENTIALS_KEY: b64(NEW_KEY) });
    const after = await third.api.request('GET', '/account/notifications', { token: alice.token });
    expect(after).toMatchObject({ status: 200, body: NOTIFICATIONS_VIEW });
    const [bobTrade] = (await third.runtime.store.listTrades(bob.id, { limit: 5, offset: 0 })).trades;
    expect(
      (await third.api.request('POST', `/trading/close/${bobTrade!.id}`, { token: bob.token })).status,
    ).toBe(200);
    third.analyzer.script(buySignal(await third.runtime.exchange.marketData.price('BTCUSDT')));
    expect(await third.runtime.engine.runCycle()).toMatchObject({ opened: 2, errors: 0 });
    const signedKeys = new Set(
      fake.ledger.filter((entry) => entry.params.signature).map((entry) => entry.apiKey),
    );
    expect([...signedKeys].sort()).toEqual([ALICE.apiKey, BOB.apiKey].sort());
    const placements = fake.server.requests('POST', '/api/v3/order');
    expect(placements.filter((entry) => entry.status === 200)).toHaveLength(6);
  });
});

describe('rotating CREDENTIALS_KEY on the embedded PostgreSQL', () => {
  it('re-encrypts at start with both keys; the command refuses a DATA_DIR in use', async () => {
    const dataDir = join(root, 'embedded');
    const env = { DATABASE_URL: '' };
    const before = await startBinanceServer({
      fake,
      dataDir,
      env: { ...env, CREDENTIALS_KEY: b64(OLD_KEY) },
    });
    const carol = await signUp(before, 'carol', ALICE);
    expect(
      (await before.api.request('PUT', '/account/notifications', { token: carol.token, body: NOTIFICATIONS }))
        .status,
    ).toBe(200);
    await before.close();

    const after = await startBinanceServer({
      fake,
      dataDir,
      env: { ...env, CREDENTIALS_KEY: b64(NEW_KEY), CREDENTIALS_KEY_PREVIOUS: b64(OLD_KEY) },
    });
    servers.push(after);
    expect(await storedUnder(after, NEW_KEY, carol.id)).toBe(ALICE.apiKey);
    expect(await notificationsUnder(after, NEW_KEY, carol.id)).toMatchObject(NOTIFICATIONS);
    expect(await notificationsUnder(after, OLD_KEY, carol.id)).toBeNull();
    // The command as its own process (what `pnpm rotate-credentials-key` runs): the DATA_DIR is taken.
    const command = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'src/rotate-credentials-key.ts'],
      {
        cwd: join(import.meta.dirname, '..'),
        env: {
          PATH: process.env.PATH ?? '',
          DATA_DIR: dataDir,
          CREDENTIALS_KEY: b64(NEW_KEY),
          CREDENTIALS_KEY_PREVIOUS: b64(OLD_KEY),
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(command.status).toBe(1);
    expect(command.stdout).toMatch(/another TRD server .* is using DATA_DIR.*rotates its keys at start/);
    expect((await after.runtime.deps.accountFor(carol.id)).capabilities).toBeDefined();
  });

  it('stops on missing keys with exit code 2', async () => {
    const lines: string[] = [];
    expect(await rotateCredentialsKey({ CREDENTIALS_KEY: b64(NEW_KEY) }, (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toMatch(/CREDENTIALS_KEY_PREVIOUS to the old one/);
  });
});
