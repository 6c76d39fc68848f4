import { AuthenticationError, OrderRejectedError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinanceExchange } from '../src/index';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// `keyPermissions`: what a key may do, read from the local Binance over real HTTP, before a server
// keeps the key; and the venue's refusals of a key that may not trade.

let local: LocalBinance;
afterEach(() => local?.close());

const OTHER = { apiKey: 'otherKey0123456789', secret: 'otherSecret0123456789' };
const entry = { symbol: 'BTCUSDT', side: 'buy' as const, quantity: '0.0015', clientOrderId: 'trd-entry' };

describe('keyPermissions', () => {
  it("reads a trade-only key's account and restrictions, signed with that key", async () => {
    local = await startLocalBinance();
    expect(await local.exchange.keyPermissions(TEST_CREDENTIALS)).toEqual({
      canTrade: true,
      spot: true,
      restrictions: { enableWithdrawals: false, enableSpotAndMarginTrading: true, ipRestrict: true },
    });
    const reads = [
      ...local.fake.server.requests('GET', '/api/v3/account'),
      ...local.fake.server.requests('GET', '/sapi/v1/account/apiRestrictions'),
    ];
    expect(reads.map((read) => [read.apiKey, read.status])).toEqual([
      [TEST_CREDENTIALS.apiKey, 200],
      [TEST_CREDENTIALS.apiKey, 200],
    ]);
  });

  it('reports withdrawals, a key that may not trade and an account that cannot', async () => {
    local = await startLocalBinance();
    local.fake.venue.addAccount(
      OTHER.apiKey,
      OTHER.secret,
      { USDT: '100' },
      {
        canTrade: false,
        enableWithdrawals: true,
        enableSpotAndMarginTrading: false,
        ipRestrict: false,
      },
    );
    expect(await local.exchange.keyPermissions(OTHER)).toEqual({
      canTrade: false,
      spot: true,
      restrictions: { enableWithdrawals: true, enableSpotAndMarginTrading: false, ipRestrict: false },
    });
  });

  it('throws AuthenticationError for keys Binance does not know, without the key in the message', async () => {
    local = await startLocalBinance();
    const error = await local.exchange
      .keyPermissions({ apiKey: 'unknownKey0123456789', secret: 'unknownSecret0123456789' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).not.toMatch(/unknownKey|unknownSecret/);
  });

  it('skips the restrictions on the spot testnet, which has no /sapi', async () => {
    local = await startLocalBinance();
    const fakeUrl = local.fake.url;
    // The real testnet's origin, answered by the fake: the adapter must not ask it for /sapi.
    const testnet = createBinanceExchange({
      testnet: true,
      clock: local.clock,
      fetch: (input, init) => fetch(String(input).replace('https://testnet.binance.vision', fakeUrl), init),
    });
    expect(await testnet.keyPermissions(TEST_CREDENTIALS)).toEqual({
      canTrade: true,
      spot: true,
      restrictions: undefined,
    });
    expect(local.fake.server.requests('GET', '/sapi/v1/account/apiRestrictions')).toEqual([]);
  });
});

describe("the venue refuses orders a key or account may not place (as Binance's docs say)", () => {
  it('-2015 for a key without TRADE permission (rest-api.md:194-196): AuthenticationError', async () => {
    local = await startLocalBinance();
    local.fake.venue.addAccount(
      OTHER.apiKey,
      OTHER.secret,
      { USDT: '1000' },
      { enableSpotAndMarginTrading: false },
    );
    const error = await local.exchange
      .account(OTHER)
      .placeMarketOrder(entry)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    const [placement] = local.fake.server.requests('POST', '/api/v3/order');
    expect(placement?.status).toBe(401);
  });

  it('-2010 "This account may not place or cancel orders." when canTrade is false (errors.md:388)', async () => {
    local = await startLocalBinance();
    local.fake.venue.addAccount(OTHER.apiKey, OTHER.secret, { USDT: '1000' }, { canTrade: false });
    const error = await local.exchange
      .account(OTHER)
      .placeMarketOrder(entry)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderRejectedError);
    expect(String(error)).toMatch(/may not place or cancel orders/);
  });
});
