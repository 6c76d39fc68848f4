import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

// A stop-limit is not a stop-market: when the price gaps through both its trigger and its limit,
// the stop triggers (its sibling expires, the list is done) but it rests unfilled. The position is
// still held and still protected by a working order: the exit must read `open`, never `cancelled`.
describe('a stop-loss triggered in a gap', () => {
  async function gapThroughStop() {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
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

  it('reads open while the triggered stop-limit rests, then filled when the price comes back to its limit', async () => {
    const { account, ref } = await gapThroughStop();
    const list = local.fake.venue.orderLists[0];
    expect(list?.listOrderStatus).toBe('ALL_DONE');
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'open' });
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC').locked).toBe('0.004');

    local.fake.setPrice('BTCUSDT', '62510');
    expect(await account.exitStatus(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { executedQuantity: '0.004', averagePrice: '62506.97' },
    });
  });

  it('cancelling it cancels the working leg and releases the base asset', async () => {
    const { account, ref } = await gapThroughStop();
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    // The list was done, so the leg was cancelled on its own.
    expect(local.fake.server.requests('DELETE', '/api/v3/orderList').map((entry) => entry.status)).toEqual([
      400,
    ]);
    expect(local.fake.server.requests('DELETE', '/api/v3/order').map((entry) => entry.status)).toEqual([200]);
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({ free: '0.01', locked: '0' });
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'cancelled' });
  });
});
