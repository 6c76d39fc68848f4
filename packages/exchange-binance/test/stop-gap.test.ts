import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

// A stop-limit is not a stop-market: when the price gaps through both its trigger and its limit,
// the stop triggers (its sibling expires, the list is done) but its limit order rests unfilled.
// Nothing protects the position any more: the exit reads `triggered`, never `open` or `cancelled`.
describe('a stop-loss triggered in a gap past its limit', () => {
  async function gapThroughStop(options: { onRequest?: (url: string, method: string) => void } = {}) {
    local = await startLocalBinance({
      balances: { BTC: '0.01' },
      exchange: {
        fetch: async (url, init) => {
          options.onRequest?.(url, (init?.method ?? 'GET').toUpperCase());
          return fetch(url, init);
        },
      },
    });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.004',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-gap',
    });
    // The stop limit is 62506.97 (0.1 % under the trigger); the price jumps to 62400.
    local.fake.setPrice('BTCUSDT', '62400', { gap: true });
    return { account, ref: { symbol: 'BTCUSDT', exitRef: exit.exitRef } };
  }

  function legs() {
    return local.fake.venue.orders.filter((order) => order.orderListId === 1);
  }

  it('answers on the wire as the docs say: list ALL_DONE, the stop working unfilled, its sibling expired by OCO_TRIGGER', async () => {
    await gapThroughStop();
    expect(local.fake.venue.orderLists[0]).toMatchObject({
      listStatusType: 'ALL_DONE',
      listOrderStatus: 'ALL_DONE',
    });
    const [stop, takeProfit] = legs().map((leg) => local.fake.venue.orderResponse(leg, 'QUERY'));
    expect(stop).toMatchObject({
      type: 'STOP_LOSS_LIMIT',
      status: 'NEW',
      executedQty: '0.00000000',
      isWorking: true,
    });
    expect(stop?.workingTime).toBeGreaterThan(0);
    expect(takeProfit).toMatchObject({ type: 'LIMIT_MAKER', status: 'EXPIRED', expiryReason: 'OCO_TRIGGER' });
    // The resting limit still holds the base asset.
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({
      free: '0.006',
      locked: '0.004',
    });
  });

  it('reads triggered (exitStatus and findExit) while it rests, then filled at its limit when the price comes back', async () => {
    const { account, ref } = await gapThroughStop();
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered', leg: 'stop_loss' });
    expect((await account.exitStatus(ref)).fill).toBeUndefined();
    expect(await account.findExit('BTCUSDT', 'trd-gap')).toMatchObject({
      exitRef: ref.exitRef,
      state: 'triggered',
      leg: 'stop_loss',
    });

    local.fake.setPrice('BTCUSDT', '62450', { gap: true });
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered' });

    local.fake.setPrice('BTCUSDT', '62510');
    expect(await account.exitStatus(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { status: 'filled', executedQuantity: '0.004', averagePrice: '62506.97' },
    });
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({ free: '0.006', locked: '0' });
  });

  it('cancelling it cancels the working leg, releases the base asset and reports cancelled', async () => {
    const { account, ref } = await gapThroughStop();
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    // The list was done, so Binance refuses to cancel it ("Unknown order sent.") and the leg is
    // cancelled on its own.
    expect(local.fake.server.requests('DELETE', '/api/v3/orderList').map((entry) => entry.status)).toEqual([
      400,
    ]);
    expect(local.fake.server.requests('DELETE', '/api/v3/order')).toMatchObject([
      { status: 200, params: { orderId: String(legs()[0]?.orderId) } },
    ]);
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({ free: '0.01', locked: '0' });
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'cancelled' });
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
  });

  it('cancelling it when the leg fills just before the cancel arrives reports filled', async () => {
    let fillBeforeCancel = false;
    const { account, ref } = await gapThroughStop({
      onRequest: (url, method) => {
        if (fillBeforeCancel && method === 'DELETE' && new URL(url).pathname === '/api/v3/order')
          local.fake.setPrice('BTCUSDT', '62510');
      },
    });
    fillBeforeCancel = true;
    expect(await account.cancelExit(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { executedQuantity: '0.004', averagePrice: '62506.97' },
    });
    // The cancel of the leg came too late: Binance answered it unknown, read as "done meanwhile".
    expect(local.fake.server.requests('DELETE', '/api/v3/order').map((entry) => entry.status)).toEqual([400]);
  });
});

describe("a short's stop-loss triggered in a gap past its limit", () => {
  it('reads triggered too, and cancelling it releases the quote asset', async () => {
    local = await startLocalBinance({ balances: { USDT: '1000', BTC: '0' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.002',
      takeProfit: '62695.3',
      stopLoss: '63198.37',
      clientOrderId: 'trd-gap-short',
    });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    // The stop limit is 63261.57 (0.1 % over the trigger); the price jumps to 63400.
    local.fake.setPrice('BTCUSDT', '63400', { gap: true });
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered', leg: 'stop_loss' });
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'USDT')).toEqual({ free: '1000', locked: '0' });
  });
});
