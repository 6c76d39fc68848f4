import { OrderStatusUnknownError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

const requests = (method: string, path: string) => local.fake.server.requests(method, path);
const statuses = (method: string, path: string) => requests(method, path).map((entry) => entry.status);

const exitRequest = {
  symbol: 'BTCUSDT',
  side: 'sell' as const,
  quantity: '0.00149',
  takeProfit: '63072.61',
  stopLoss: '62569.54',
  clientOrderId: 'trd-skew-exit',
};

describe('after -1021 the adapter measures the offset to Binance’s clock again', () => {
  it.each([
    ['behind the venue by more than recvWindow', 6000],
    ['ahead of the venue by 1 s or more', -2500],
  ])(
    'a read with the local clock %s is resent once, correctly timed, and later requests are too',
    async (_, offsetMs) => {
      local = await startLocalBinance({ fake: { clockOffsetMs: offsetMs } });
      const account = local.exchange.account(TEST_CREDENTIALS);

      expect(await account.balances()).toEqual({ USDT: { free: '1000', locked: '0' } });

      expect(statuses('GET', '/api/v3/account')).toEqual([400, 200]);
      expect(statuses('GET', '/api/v3/time')).toEqual([200]);
      expect(local.fake.ledger.map((entry) => entry.path)).toEqual([
        '/api/v3/account',
        '/api/v3/time',
        '/api/v3/account',
      ]);
      expect(local.exchange.serverTimeOffsetMs()).toBe(offsetMs);
      const [refused, resent] = requests('GET', '/api/v3/account');
      expect(Number(refused?.params.timestamp)).toBe(local.clock.now());
      expect(Number(resent?.params.timestamp)).toBe(local.clock.now() + offsetMs);

      // The next signed request goes out with the corrected timestamp and succeeds the first time.
      expect(await account.findOrder('BTCUSDT', 'trd-none')).toBeNull();
      expect(requests('GET', '/api/v3/order')).toMatchObject([
        { status: 400, params: { timestamp: String(local.clock.now() + offsetMs) } },
      ]);
      // -2013 "Order does not exist.", not -1021.
      expect(requests('GET', '/api/v3/time')).toHaveLength(1);
    },
  );

  it('every account of the exchange signs with the corrected time (one offset per exchange)', async () => {
    local = await startLocalBinance({ fake: { clockOffsetMs: 7000 } });
    await local.exchange.account(TEST_CREDENTIALS).balances();
    await local.exchange.account({ ...TEST_CREDENTIALS }).balances();
    expect(statuses('GET', '/api/v3/account')).toEqual([400, 200, 200]);
    expect(requests('GET', '/api/v3/time')).toHaveLength(1);
  });

  it('concurrent refusals share one GET /api/v3/time', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' }, fake: { clockOffsetMs: 6000 } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    await Promise.all([
      account.balances(),
      account.findOrder('BTCUSDT', 'a'),
      account.findExit('BTCUSDT', 'b'),
    ]);
    expect(requests('GET', '/api/v3/time')).toHaveLength(1);
    expect(local.exchange.serverTimeOffsetMs()).toBe(6000);
  });

  it('an OCO refused with -1021 is not resent: the clock is resynced and the list looked up by client id', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' }, fake: { clockOffsetMs: 6000 } });
    const account = local.exchange.account(TEST_CREDENTIALS);

    const error = await account.placeExit(exitRequest).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect((error as OrderStatusUnknownError).clientOrderId).toBe('trd-skew-exit');
    expect((error as Error).message).toContain('outside of the recvWindow');
    expect(local.fake.ledger.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'GET /api/v3/exchangeInfo 200',
      // No avgPrice: the legs are far inside PERCENT_PRICE_BY_SIDE (average-price-band.ts).
      'GET /api/v3/ticker/price 200',
      'POST /api/v3/orderList/oco 400',
      'GET /api/v3/time 200',
      // The lookup, correctly timed: "Order list does not exist." (-2011), not -1021.
      'GET /api/v3/orderList 400',
    ]);
    expect(requests('GET', '/api/v3/orderList')[0]?.params.origClientOrderId).toBe('trd-skew-exit');
    expect(local.fake.venue.orderLists).toEqual([]);

    // The caller, having found nothing by client id, places it again: it now goes through.
    expect(await account.findExit('BTCUSDT', 'trd-skew-exit')).toBeNull();
    expect(await account.placeExit(exitRequest)).toMatchObject({
      clientOrderId: 'trd-skew-exit',
      state: 'open',
    });
    expect(statuses('POST', '/api/v3/orderList/oco')).toEqual([400, 200]);
    expect(requests('GET', '/api/v3/time')).toHaveLength(1);
  });

  it('a market order refused with -1021 (the clock drifted after its look-up) is looked up, never sent twice', async () => {
    local = await startLocalBinance({
      exchange: {
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          // The local clock falls behind right after the look-up that precedes the placement.
          if (url.includes('/api/v3/order?')) local.fake.setClockOffset(6000);
          return response;
        },
      },
    });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const entry = {
      symbol: 'BTCUSDT',
      side: 'buy' as const,
      quantity: '0.0015',
      clientOrderId: 'trd-skew-42',
    };

    const error = await account.placeMarketOrder(entry).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect(statuses('POST', '/api/v3/order')).toEqual([400]);
    expect(requests('GET', '/api/v3/time')).toHaveLength(1);
    // The look-up before sending, then the one after the resync (-2013 both: the order does not exist).
    expect(requests('GET', '/api/v3/order').map((entry) => entry.params.origClientOrderId)).toEqual([
      'trd-skew-42',
      'trd-skew-42',
    ]);
    expect(requests('GET', '/api/v3/order').at(-1)?.params.timestamp).toBe(String(local.clock.now() + 6000));
    expect(local.fake.venue.orders).toEqual([]);

    const report = await account.placeMarketOrder(entry);
    expect(report).toMatchObject({ clientOrderId: 'trd-skew-42', status: 'filled' });
    expect(statuses('POST', '/api/v3/order')).toEqual([400, 200]);
    expect(local.fake.venue.orders).toHaveLength(1);
  });
});
