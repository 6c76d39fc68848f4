import { OrderNotFoundError, type TrdError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type BinanceAnswer, NOT_FOUND_ANSWERS } from './fake-binance/index';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

/** A local Binance answering unknown orders and lists with `answer` (or as documented), keeping the refusals' bodies. */
async function start(answer?: BinanceAnswer) {
  const refusals: { method: string; path: string; body: BinanceAnswer }[] = [];
  local = await startLocalBinance({
    balances: { BTC: '0.01' },
    fake: { notFoundAnswer: answer },
    exchange: {
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (!response.ok) {
          refusals.push({
            method: (init?.method ?? 'GET').toUpperCase(),
            path: new URL(url).pathname,
            body: (await response.clone().json()) as BinanceAnswer,
          });
        }
        return response;
      },
    },
  });
  return { account: local.exchange.account(TEST_CREDENTIALS), refusals };
}

async function notFoundError(promise: Promise<unknown>): Promise<TrdError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OrderNotFoundError);
  return error as TrdError;
}

describe('unknown orders and order lists, as the docs answer them', () => {
  it('GET order and GET orderList answer -2013 "Order does not exist.", the cancels -2011 "Unknown order sent."', async () => {
    const { account, refusals } = await start();
    expect(await account.findOrder('BTCUSDT', 'trd-nobody')).toBeNull();
    expect(await account.findExit('BTCUSDT', 'trd-nothing')).toBeNull();
    expect((await notFoundError(account.exitStatus({ symbol: 'BTCUSDT', exitRef: '4242' }))).code).toBe(
      'ORDER_NOT_FOUND',
    );
    await notFoundError(account.cancelExit({ symbol: 'BTCUSDT', exitRef: '4242' }));
    expect(refusals).toEqual([
      { method: 'GET', path: '/api/v3/order', body: { code: -2013, msg: 'Order does not exist.' } },
      { method: 'GET', path: '/api/v3/orderList', body: { code: -2013, msg: 'Order does not exist.' } },
      { method: 'GET', path: '/api/v3/orderList', body: { code: -2013, msg: 'Order does not exist.' } },
      { method: 'DELETE', path: '/api/v3/orderList', body: { code: -2011, msg: 'Unknown order sent.' } },
      { method: 'GET', path: '/api/v3/orderList', body: { code: -2013, msg: 'Order does not exist.' } },
    ]);
  });
});

describe.each(Object.entries(NOT_FOUND_ANSWERS))(
  'unknown orders and order lists answered %s',
  (_name, answer) => {
    it('findOrder and findExit give null; exitStatus and cancelExit throw OrderNotFoundError', async () => {
      const { account, refusals } = await start(answer);
      expect(await account.findOrder('BTCUSDT', 'trd-nobody')).toBeNull();
      expect(await account.findExit('BTCUSDT', 'trd-nothing')).toBeNull();
      await notFoundError(account.exitStatus({ symbol: 'BTCUSDT', exitRef: '4242' }));
      await notFoundError(account.cancelExit({ symbol: 'BTCUSDT', exitRef: '4242' }));
      // Each was asked once: a not-found is an answer, not a failure to retry.
      expect(refusals.map((refusal) => `${refusal.method} ${refusal.path}`)).toEqual([
        'GET /api/v3/order',
        'GET /api/v3/orderList',
        'GET /api/v3/orderList',
        'DELETE /api/v3/orderList',
        'GET /api/v3/orderList',
      ]);
      for (const refusal of refusals) expect(refusal.body).toEqual(answer);
    });

    it('a second cancel of a cancelled exit still answers its final report', async () => {
      const { account, refusals } = await start(answer);
      const exit = await account.placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: '0.004',
        takeProfit: '63072.61',
        stopLoss: '62569.54',
        clientOrderId: 'trd-twice',
      });
      const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
      expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
      expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
      expect(refusals).toEqual([{ method: 'DELETE', path: '/api/v3/orderList', body: answer }]);
    });
  },
);
