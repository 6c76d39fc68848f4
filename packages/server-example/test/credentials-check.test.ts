import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinanceServer, keysOf, startBinanceServer } from './helpers/binance-server';

// Issue 18: keys are checked against the venue (the local fake Binance, over real HTTP) before
// they are kept; keys that may withdraw or cannot trade are refused and never stored.
const BALANCES = { USDT: '1000' };
const GOOD = keysOf('good');
const WITHDRAWS = keysOf('withdraws');
const CANNOT_TRADE = keysOf('cannotTrade');
const KEY_MAY_NOT_TRADE = keysOf('keyMayNotTrade');
const ANY_IP = keysOf('anyIp');
const UNKNOWN = keysOf('unknown');

let t: BinanceServer;
beforeAll(async () => {
  t = await startBinanceServer({
    accounts: [
      { ...GOOD, balances: BALANCES },
      { ...WITHDRAWS, balances: BALANCES, permissions: { enableWithdrawals: true } },
      { ...CANNOT_TRADE, balances: BALANCES, permissions: { canTrade: false } },
      { ...KEY_MAY_NOT_TRADE, balances: BALANCES, permissions: { enableSpotAndMarginTrading: false } },
      { ...ANY_IP, balances: BALANCES, permissions: { ipRestrict: false } },
    ],
  });
});
afterAll(() => t?.close({ everything: true }));

async function put(username: string, keys: { apiKey: string; secret: string }) {
  const { access_token: token } = await t.api.register(username);
  const answer = await t.api.request('PUT', '/account/exchange-credentials', { token, body: keys });
  const account = await t.api.request('GET', '/account', { token });
  return { answer, stored: account.body.hasExchangeCredentials as boolean };
}

describe('PUT /account/exchange-credentials on Binance', () => {
  it('stores trade-only keys restricted to an IP after checking them with those keys', async () => {
    const { answer, stored } = await put('good', GOOD);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ message: 'exchange credentials stored (encrypted)', warnings: [] });
    expect(stored).toBe(true);
    const checks = [
      ...t.fake.server.requests('GET', '/api/v3/account'),
      ...t.fake.server.requests('GET', '/sapi/v1/account/apiRestrictions'),
    ].filter((entry) => entry.apiKey === GOOD.apiKey);
    expect(checks.map((entry) => entry.status)).toEqual([200, 200]);
  });

  it('stores keys usable from any IP, with a warning to restrict them', async () => {
    const { answer, stored } = await put('anyip', ANY_IP);
    expect(answer.status).toBe(200);
    expect(answer.body.warnings).toEqual([expect.stringMatching(/not restricted to an IP/)]);
    expect(stored).toBe(true);
  });

  it.each([
    ['withdrawals', WITHDRAWS, /allows withdrawals/],
    ['an account that cannot trade', CANNOT_TRADE, /cannot trade \(Binance reports canTrade: false\)/],
    ['a key that may not trade', KEY_MAY_NOT_TRADE, /key may not trade/],
    ['keys Binance does not know', UNKNOWN, /Binance did not accept them/],
  ])('refuses keys with %s (422), storing nothing', async (name, keys, message) => {
    const { answer, stored } = await put(`refused${name.replaceAll(/\W/g, '').slice(0, 20)}`, keys);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(message);
    expect(stored).toBe(false);
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain(keys.apiKey);
    expect(text).not.toContain(keys.secret);
  });

  it("limits key checks per user (each costs the server's request weight): 429 past five a minute", async () => {
    const { access_token: token } = await t.api.register('impatient');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push(
        (await t.api.request('PUT', '/account/exchange-credentials', { token, body: UNKNOWN })).status,
      );
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
  });

  it('never logs a key or a secret', () => {
    for (const keys of [GOOD, WITHDRAWS, CANNOT_TRADE, KEY_MAY_NOT_TRADE, ANY_IP, UNKNOWN]) {
      expect(t.logs()).not.toContain(keys.apiKey);
      expect(t.logs()).not.toContain(keys.secret);
    }
  });
});
