import { InvalidOrderError, VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

const orderRequests = () => [
  ...local.fake.server.requests('POST', '/api/v3/order'),
  ...local.fake.server.requests('POST', '/api/v3/orderList/oco'),
];

describe('orders Binance would reject are caught before sending', () => {
  it.each([
    ['below the minimum notional (0.0001 BTC ≈ 6.3 USDT < 10)', '0.0001', /MIN_NOTIONAL/],
    ['off the 0.00001 step', '0.001005', /LOT_SIZE: quantity 0.001005 is not a multiple of the step 0.00001/],
    ['zero', '0', /LOT_SIZE/],
  ])('an entry %s', async (_label, quantity, message) => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const error = await account
      .placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity, clientOrderId: 'trd-small' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(message);
    expect(orderRequests()).toEqual([]);
    expect(local.fake.venue.orders).toEqual([]);
  });

  it('ETHUSDT uses the NOTIONAL filter (5 USDT): 0.0025 ETH ≈ 4.96 USDT is caught', async () => {
    local = await startLocalBinance({ clock: new VirtualClock(Date.UTC(2022, 7, 14, 3, 0, 10)) });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const rules = await local.exchange.marketData.rules('ETHUSDT');
    expect(rules.minNotional).toBe('5');
    await expect(
      account.placeMarketOrder({
        symbol: 'ETHUSDT',
        side: 'buy',
        quantity: '0.0025',
        clientOrderId: 'trd-eth',
      }),
    ).rejects.toThrow(/MIN_NOTIONAL: order value .* is below the minimum notional 5/);
    expect(orderRequests()).toEqual([]);
  });

  it.each([
    ['a take profit off the tick', { takeProfit: '63072.615' }, /PRICE_FILTER/],
    ['a stop loss off the tick', { stopLoss: '62569.5401' }, /PRICE_FILTER/],
    ['a quantity under the minimum notional', { quantity: '0.00015' }, /MIN_NOTIONAL/],
    ['a quantity off the step', { quantity: '0.001495' }, /LOT_SIZE/],
    [
      'take profit under the stop loss',
      { takeProfit: '62000', stopLoss: '62500' },
      /take profit > stop loss/,
    ],
    ['a stop limit above the stop', { stopLimit: '62600' }, /stop loss >= stop limit/],
    [
      'a take profit the market has already passed (last 62883.95)',
      { takeProfit: '62850', stopLoss: '62800' },
      /take profit must be above the last price 62883.95/,
    ],
  ])('an exit with %s', async (_label, change, message) => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const error = await account
      .placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: '0.00149',
        takeProfit: '63072.61',
        stopLoss: '62569.54',
        clientOrderId: 'trd-exit',
        ...change,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(message);
    expect(orderRequests()).toEqual([]);
  });

  it('a client id Binance would refuse', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    await expect(
      account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.001',
        clientOrderId: 'has spaces',
      }),
    ).rejects.toBeInstanceOf(InvalidOrderError);
    await expect(account.findOrder('BTCUSDT', 'x'.repeat(37))).rejects.toBeInstanceOf(InvalidOrderError);
    expect(local.fake.ledger.filter((entry) => entry.path.startsWith('/api/v3/order'))).toEqual([]);
  });
});
