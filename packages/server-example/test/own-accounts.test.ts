import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../exchange-binance/test/fake-binance/index';
import { type BinanceServer, keysOf, signUp, startBinanceServer } from './helpers/binance-server';
import { buySignal } from './helpers/test-server';

// Issue 18: on Binance every user trades their own account, and only theirs.
const ALICE = keysOf('alice');
const BOB = keysOf('bob');
const SERVER = keysOf('server');
const BALANCES = { USDT: '1000', BTC: '0', ETH: '0' };
const accounts = [ALICE, BOB, SERVER].map((keys) => ({ ...keys, balances: BALANCES }));

let t: BinanceServer | undefined;
afterEach(async () => {
  await t?.close({ everything: true });
  t = undefined;
});

const signed = (ledger: LedgerEntry[]) => ledger.filter((entry) => entry.params.signature !== undefined);

describe.each([
  ['without server keys', {}],
  ['with server keys configured', { BINANCE_API_KEY: SERVER.apiKey, BINANCE_SECRET: SERVER.secret }],
])('Binance %s, not in single-operator mode', (_name, env) => {
  it("signs every order of each user with that user's key; a user without keys cannot start", async () => {
    t = await startBinanceServer({ accounts, env });
    const alice = await signUp(t, 'alice', ALICE);
    const bob = await signUp(t, 'bob', BOB);
    const carol = await signUp(t, 'carol');

    // Carol cannot go live without keys of her own...
    const noLive = await t.api.request('PUT', '/account/trading-mode', {
      token: carol.token,
      body: { mode: 'live', confirm: true },
    });
    expect(noLive.status).toBe(400);
    expect(noLive.body.message).toMatch(/no exchange credentials.*PUT \/account\/exchange-credentials/);
    // ...nor start live (as when her keys are removed after going live): no one else's account.
    await t.runtime.store.users.setTradingMode(carol.id, 'live');
    const refused = await t.api.request('POST', '/trading/start', { token: carol.token });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/no exchange credentials.*PUT \/account\/exchange-credentials/);
    expect((await t.runtime.store.getConfig(carol.id))?.isActive ?? false).toBe(false);
    for (const user of [alice, bob]) {
      expect((await t.api.request('POST', '/trading/start', { token: user.token })).status).toBe(200);
    }

    const price = await t.runtime.exchange.marketData.price('BTCUSDT');
    for (const user of [alice, bob, carol]) t.analyzer.script(buySignal(price), user.id);
    // Carol is not active: the cycle trades the two users with accounts of their own.
    expect(await t.runtime.engine.runCycle()).toMatchObject({ opened: 2, errors: 0 });

    const orders = t.fake.server.requests('POST', '/api/v3/order');
    for (const [user, keys] of [
      [alice, ALICE],
      [bob, BOB],
    ] as const) {
      const [trade] = (await t.runtime.store.listTrades(user.id, { limit: 10, offset: 0 })).trades;
      const entry = orders.find((order) => order.params.newClientOrderId === trade?.clientOrderId);
      expect(entry?.apiKey).toBe(keys.apiKey);
      expect(entry?.status).toBe(200);
      // Each balance is its owner's: one 100 USDT entry (10 % of 1000) each, nothing shared.
      expect(Number(t.fake.venue.balance(keys.apiKey, 'USDT').free)).toBeLessThan(1000);
    }
    expect(t.fake.venue.balance(SERVER.apiKey, 'USDT').free).toBe('1000');
    const keysUsed = new Set(signed(t.fake.ledger).map((entry) => entry.apiKey));
    expect([...keysUsed].sort()).toEqual([ALICE.apiKey, BOB.apiKey].sort());
    expect(t.logs()).not.toContain(ALICE.secret);
    expect(t.logs()).not.toContain(ALICE.apiKey);
  });
});

describe('single-operator mode (SINGLE_OPERATOR_USER)', () => {
  it("lets the named operator, and no one else, trade with the server's keys", async () => {
    t = await startBinanceServer({
      accounts,
      env: { BINANCE_API_KEY: SERVER.apiKey, BINANCE_SECRET: SERVER.secret, SINGLE_OPERATOR_USER: 'alice' },
    });
    const alice = await signUp(t, 'alice', undefined, { live: true });
    const bob = await signUp(t, 'bob', BOB, { live: false });
    const bobLive = await t.api.request('PUT', '/account/trading-mode', {
      token: bob.token,
      body: { mode: 'live', confirm: true },
    });
    expect(bobLive.status).toBe(403);
    expect(bobLive.body.message).toMatch(/single-operator mode/);

    // Bob may paper-trade (his own simulated account), never on the server's.
    expect((await t.api.request('POST', '/trading/start', { token: bob.token })).status).toBe(200);
    expect((await t.api.request('POST', '/trading/start', { token: alice.token })).status).toBe(200);

    const price = await t.runtime.exchange.marketData.price('BTCUSDT');
    t.analyzer.script(buySignal(price));
    expect(await t.runtime.engine.runCycle()).toMatchObject({ opened: 2, errors: 0 });
    const [trade] = (await t.runtime.store.listTrades(alice.id, { limit: 10, offset: 0 })).trades;
    // One order reached Binance: Alice's, on the server's keys. Bob's stayed on paper.
    expect(t.fake.server.requests('POST', '/api/v3/order')).toHaveLength(1);
    const [entry] = t.fake.server.requests('POST', '/api/v3/order');
    expect(entry).toMatchObject({
      apiKey: SERVER.apiKey,
      params: { newClientOrderId: trade?.clientOrderId },
    });
    // Bob's key signed only the check of his keys when he stored them, never a trading request.
    const byBob = signed(t.fake.ledger).filter((e) => e.apiKey !== SERVER.apiKey);
    expect(new Set(byBob.map((e) => `${e.apiKey} ${e.method} ${e.path}`))).toEqual(
      new Set([`${BOB.apiKey} GET /api/v3/account`, `${BOB.apiKey} GET /sapi/v1/account/apiRestrictions`]),
    );
  });
});
