import { OrderStatusUnknownError, TrdError, type VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, settleWithClock, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

const posts = () => local.fake.server.requests('POST', '/api/v3/order');
const entry = {
  symbol: 'BTCUSDT',
  side: 'buy' as const,
  quantity: '0.0015',
  clientOrderId: 'trd-u1-intent-42',
};

describe('a placement whose outcome is unknown', () => {
  it('a lost entry response is recovered by client id, with no second order', async () => {
    local = await startLocalBinance();
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'lost-response' });
    const account = local.exchange.account(TEST_CREDENTIALS);

    const report = await account.placeMarketOrder(entry);

    expect(report).toMatchObject({
      clientOrderId: 'trd-u1-intent-42',
      status: 'filled',
      executedQuantity: '0.0015',
      averagePrice: '62883.955',
    });
    // Fees of a looked-up order come from its trades (GET order has none).
    expect(report.fees).toEqual([{ asset: 'BTC', amount: '0.0000015' }]);
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.fault).toBe('lost-response');
    expect(local.fake.venue.orders).toHaveLength(1);
    const lookups = local.fake.server.requests('GET', '/api/v3/order');
    expect(lookups.at(-1)?.params.origClientOrderId).toBe('trd-u1-intent-42');
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'USDT').free).toBe('905.6740675');
  });

  it('a 5xx after the order executed is recovered the same way', async () => {
    local = await startLocalBinance();
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'server-error', afterProcessing: true });
    const report = await local.exchange.account(TEST_CREDENTIALS).placeMarketOrder(entry);
    expect(report.status).toBe('filled');
    expect(posts()).toHaveLength(1);
    expect(local.fake.venue.orders).toHaveLength(1);
  });

  it('an order that never reached the venue (timeout) is OrderStatusUnknownError, never sent twice', async () => {
    local = await startLocalBinance({
      exchange: { requestTimeoutMs: 300, orderLookup: { attempts: 2, delayMs: 0 } },
    });
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'timeout' });
    const started = local.clock.now();
    // The wait between lookups runs on the virtual clock.
    const error = await settleWithClock(
      local.clock as VirtualClock,
      local.exchange
        .account(TEST_CREDENTIALS)
        .placeMarketOrder(entry)
        .catch((caught: unknown) => caught),
      250,
    );
    expect(local.clock.now() - started).toBeGreaterThanOrEqual(2000);
    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect((error as OrderStatusUnknownError).clientOrderId).toBe('trd-u1-intent-42');
    expect((error as Error).message).toMatch(/no response within 300 ms/);
    expect(posts()).toHaveLength(1);
    // One lookup before sending, two after the timeout.
    expect(
      local.fake.server.requests('GET', '/api/v3/order').map((request) => request.params.origClientOrderId),
    ).toEqual(['trd-u1-intent-42', 'trd-u1-intent-42', 'trd-u1-intent-42']);
    expect(local.fake.venue.orders).toEqual([]);
  });

  it('an order still invisible to lookups for a while is found by a later lookup, on the clock', async () => {
    local = await startLocalBinance({
      fake: { visibilityDelayMs: 3000 },
      exchange: { orderLookup: { attempts: 3, delayMs: 2000 } },
    });
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'lost-response' });
    const clock = local.clock as VirtualClock;
    const started = clock.now();
    const report = await settleWithClock(
      clock,
      local.exchange.account(TEST_CREDENTIALS).placeMarketOrder(entry),
      250,
    );
    expect(report).toMatchObject({ clientOrderId: 'trd-u1-intent-42', status: 'filled' });
    expect(clock.now() - started).toBeGreaterThanOrEqual(4000);
    expect(local.fake.server.requests('GET', '/api/v3/order').map((request) => request.status)).toEqual([
      400, 400, 400, 200,
    ]);
    expect(posts()).toHaveLength(1);
  });

  it('when lookups run out first: OrderStatusUnknownError, and the engine finds the order later by client id', async () => {
    local = await startLocalBinance({
      fake: { visibilityDelayMs: 30_000 },
      exchange: { orderLookup: { attempts: 2, delayMs: 2000 } },
    });
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'lost-response' });
    const clock = local.clock as VirtualClock;
    const account = local.exchange.account(TEST_CREDENTIALS);
    const error = await settleWithClock(
      clock,
      account.placeMarketOrder(entry).catch((caught: unknown) => caught),
      250,
    );
    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect(await account.findOrder('BTCUSDT', entry.clientOrderId)).toBeNull();
    await clock.advance(30_000);
    expect(await account.findOrder('BTCUSDT', entry.clientOrderId)).toMatchObject({
      status: 'filled',
      executedQuantity: '0.0015',
    });
    expect(posts()).toHaveLength(1);
  });

  it('a second placement with the id of a filled order returns that order (Binance itself would fill it again)', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const first = await account.placeMarketOrder(entry);
    const second = await account.placeMarketOrder(entry);
    expect(second).toMatchObject({
      orderId: first.orderId,
      executedQuantity: first.executedQuantity,
      fees: first.fees,
    });
    expect(posts()).toHaveLength(1);
  });

  it('a lost OCO response is recovered by its list client id', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    local.fake.fault({ method: 'POST', path: '/api/v3/orderList/oco', kind: 'lost-response' });
    const exit = await local.exchange.account(TEST_CREDENTIALS).placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-exit-42',
    });
    expect(exit).toMatchObject({ clientOrderId: 'trd-exit-42', state: 'open', exitRef: '1' });
    expect(local.fake.server.requests('POST', '/api/v3/orderList/oco')).toHaveLength(1);
    expect(local.fake.venue.orderLists).toHaveLength(1);
  });

  it('a cancel whose answer was lost is retried and answers the final state', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-exit-43',
    });
    local.fake.fault({ method: 'DELETE', path: '/api/v3/orderList', kind: 'lost-response' });
    const report = await settleWithClock(
      local.clock as VirtualClock,
      account.cancelExit({ symbol: 'BTCUSDT', exitRef: exit.exitRef }),
    );
    expect(report).toMatchObject({ exitRef: exit.exitRef, state: 'cancelled' });
    // The first DELETE worked (its answer was lost); the second found the list done.
    expect(local.fake.server.requests('DELETE', '/api/v3/orderList').map((entry) => entry.status)).toEqual([
      -1, 400,
    ]);
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({ free: '0.01', locked: '0' });
  });

  it('a cancel of a done exit whose status cannot be read gives up after the retries, not their square', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-exit-44',
    });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    await account.cancelExit(ref);
    local.fake.fault({ method: 'GET', path: '/api/v3/orderList', kind: 'server-error', times: 100 });
    const error = await settleWithClock(local.clock as VirtualClock, account.cancelExit(ref)).catch(
      (caught: unknown) => caught,
    );
    expect(TrdError.isInstance(error) && error.code).toBe('EXCHANGE_UNAVAILABLE');
    // Three attempts (retry.attempts), each one DELETE and one status read.
    expect(local.fake.server.requests('DELETE', '/api/v3/orderList')).toHaveLength(1 + 3);
    expect(local.fake.server.requests('GET', '/api/v3/orderList')).toHaveLength(3);
  });

  it('a refusal is not an unknown outcome: no lookup, the typed error as is', async () => {
    local = await startLocalBinance({ balances: { USDT: '5' } });
    const error = await local.exchange
      .account(TEST_CREDENTIALS)
      .placeMarketOrder(entry)
      .catch((caught: unknown) => caught);
    expect(TrdError.isInstance(error) && error.code).toBe('INSUFFICIENT_FUNDS');
    expect(local.fake.server.requests('GET', '/api/v3/order')).toHaveLength(1); // the lookup before sending only
  });
});
