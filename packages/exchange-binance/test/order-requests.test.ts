import { dec, exitQuantityAfterEntry, roundOrderPrice, toDecimalString } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_TIME, type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// At FIXTURE_TIME the current BTCUSDT candle (02:00) closes at 62883.95: the fake's last price.
const LAST_PRICE = '62883.95';

let local: LocalBinance;
afterEach(() => local?.close());

describe('the requests the adapter sends', () => {
  it('enters with a MARKET order carrying our client id, FULL response, on the step, signed at the clock time', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const report = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.0015',
      clientOrderId: 'trd-u1-entry-7',
    });

    const [post] = local.fake.server.requests('POST', '/api/v3/order');
    expect(local.fake.server.requests('POST', '/api/v3/order')).toHaveLength(1);
    expect(post?.params).toEqual({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.0015',
      newClientOrderId: 'trd-u1-entry-7',
      newOrderRespType: 'FULL',
      timestamp: String(FIXTURE_TIME),
      recvWindow: '5000',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(post?.apiKey).toBe(TEST_CREDENTIALS.apiKey);
    // Before sending, the client id was looked up (Binance would accept a filled order's id again).
    const lookup = local.fake.ledger.findIndex(
      (entry) => entry.method === 'GET' && entry.path === '/api/v3/order',
    );
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(lookup).toBeLessThan(local.fake.ledger.indexOf(post as never));

    // The fake fills half at the last price and half one tick higher: the average is exact.
    expect(report).toMatchObject({
      clientOrderId: 'trd-u1-entry-7',
      symbol: 'BTCUSDT',
      side: 'buy',
      status: 'filled',
      executedQuantity: '0.0015',
      averagePrice: '62883.955',
      quoteQuantity: toDecimalString(dec('0.00075').mul(LAST_PRICE).plus(dec('0.00075').mul('62883.96'))),
      fees: [{ asset: 'BTC', amount: '0.0000015' }],
    });
  });

  it("exits a long with an OCO: LIMIT_MAKER take profit above, STOP_LOSS_LIMIT below, on the entry's net quantity", async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const rules = await local.exchange.marketData.rules('BTCUSDT');
    const entry = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.0015',
      clientOrderId: 'trd-entry-long',
    });
    // The reference bot: take profit +0.3 %, stop loss -0.5 % of the entry.
    const takeProfit = roundOrderPrice(rules, dec(entry.averagePrice).mul('1.003').toString());
    const stopLoss = roundOrderPrice(rules, dec(entry.averagePrice).mul('0.995').toString());
    const quantity = exitQuantityAfterEntry(rules, entry);
    expect(quantity).toBe('0.00149'); // 0.0015 filled - 0.0000015 BTC fee, floored to the 0.00001 step

    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit,
      stopLoss,
      clientOrderId: 'trd-exit-long',
    });

    const [post] = local.fake.server.requests('POST', '/api/v3/orderList/oco');
    expect(takeProfit).toBe('63072.61');
    expect(stopLoss).toBe('62569.54');
    expect(post?.params).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'SELL',
      quantity: '0.00149',
      listClientOrderId: 'trd-exit-long',
      aboveType: 'LIMIT_MAKER',
      abovePrice: '63072.61',
      belowType: 'STOP_LOSS_LIMIT',
      belowStopPrice: '62569.54',
      // Default stop limit: 0.1 % under the trigger, floored to the tick.
      belowPrice: '62506.97',
      belowTimeInForce: 'GTC',
      newOrderRespType: 'FULL',
    });
    expect(Object.keys(post?.params ?? {})).not.toContain('aboveStopPrice');
    expect(exit).toMatchObject({ clientOrderId: 'trd-exit-long', symbol: 'BTCUSDT', state: 'open' });
    expect(local.fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC')).toEqual({
      free: '0.0000085',
      locked: '0.00149',
    });
  });

  it('passes an explicit stop limit through unchanged', async () => {
    local = await startLocalBinance({ balances: { USDT: '0', BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.005',
      takeProfit: '63000',
      stopLoss: '62700',
      stopLimit: '62650.5',
      clientOrderId: 'x1',
    });
    expect(local.fake.server.requests('POST', '/api/v3/orderList/oco')[0]?.params).toMatchObject({
      belowStopPrice: '62700',
      belowPrice: '62650.5',
    });
  });

  it("exits a short (buy back) with the mirror: STOP_LOSS_LIMIT above, TAKE_PROFIT_LIMIT below, and reports the take profit's fill", async () => {
    local = await startLocalBinance({ balances: { USDT: '50', BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const entry = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.002',
      clientOrderId: 'trd-entry-short',
    });
    expect(entry).toMatchObject({ side: 'sell', executedQuantity: '0.002', averagePrice: '62883.945' });
    expect(entry.fees).toEqual([
      { asset: 'USDT', amount: toDecimalString(dec(entry.quoteQuantity).mul('0.001').toDecimalPlaces(8, 1)) },
    ]);

    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.002',
      takeProfit: '62695.3',
      stopLoss: '63198.37',
      clientOrderId: 'trd-exit-short',
    });
    expect(local.fake.server.requests('POST', '/api/v3/orderList/oco')[0]?.params).toMatchObject({
      side: 'BUY',
      quantity: '0.002',
      aboveType: 'STOP_LOSS_LIMIT',
      aboveStopPrice: '63198.37',
      abovePrice: '63261.57', // 0.1 % over the trigger, ceiled to the tick
      aboveTimeInForce: 'GTC',
      belowType: 'TAKE_PROFIT_LIMIT',
      belowStopPrice: '62695.3',
      belowPrice: '62695.3',
      belowTimeInForce: 'GTC',
    });

    local.fake.setPrice('BTCUSDT', '62690');
    const status = await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef });
    expect(status).toMatchObject({ state: 'filled', leg: 'take_profit' });
    expect(status.fill).toMatchObject({
      side: 'buy',
      executedQuantity: '0.002',
      averagePrice: '62695.3',
      fees: [{ asset: 'BTC', amount: '0.000002' }],
    });
  });

  it('reports the stop-loss leg of a long with its fill price and fees, the other leg expired', async () => {
    local = await startLocalBinance({ balances: { USDT: '0', BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.004',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-exit-sl',
    });
    local.fake.setPrice('BTCUSDT', '62500');
    const status = await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef });
    expect(status).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: {
        side: 'sell',
        executedQuantity: '0.004',
        averagePrice: '62506.97',
        quoteQuantity: '250.02788',
        fees: [{ asset: 'USDT', amount: '0.25002788' }],
      },
    });
    const legs = local.fake.venue.orders.filter((order) => order.orderListId === Number(exit.exitRef));
    expect(legs.map((leg) => `${leg.type}:${leg.status}`).sort()).toEqual([
      'LIMIT_MAKER:EXPIRED',
      'STOP_LOSS_LIMIT:FILLED',
    ]);
    expect(await account.balances()).toEqual({
      BTC: { free: '0.006', locked: '0' },
      USDT: { free: '249.77785212', locked: '0' },
    });
  });

  it('accounts of one exchange sign with their own keys, also concurrently', async () => {
    local = await startLocalBinance();
    const bob = {
      apiKey: 'bob-key-2222222222222222222222222222222222222222222222222222222',
      secret: 'bob-secret-3333',
    };
    local.fake.venue.addAccount(bob.apiKey, bob.secret, { USDT: '500' });
    const alice = local.exchange.account(TEST_CREDENTIALS);
    const bobs = local.exchange.account(bob);
    const [aliceOrder, bobOrder] = await Promise.all([
      alice.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.001', clientOrderId: 'alice-1' }),
      bobs.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.002', clientOrderId: 'bob-1' }),
    ]);
    expect([aliceOrder.executedQuantity, bobOrder.executedQuantity]).toEqual(['0.001', '0.002']);
    // The fake verified each signature against the secret of the key it came with.
    const posts = local.fake.server.requests('POST', '/api/v3/order');
    expect(posts.map((post) => [post.params.newClientOrderId, post.apiKey, post.status]).sort()).toEqual([
      ['alice-1', TEST_CREDENTIALS.apiKey, 200],
      ['bob-1', bob.apiKey, 200],
    ]);
    expect(local.fake.venue.balance(bob.apiKey, 'BTC').free).toBe('0.001998');
    expect(await bobs.balances()).toMatchObject({ BTC: { free: '0.001998' } });
  });
});
