import { InvalidOrderError, OrderRejectedError, TrdError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// The fixture's BTCUSDT: last price 62883.95, MIN_NOTIONAL 10 USDT applied to MARKET orders at the
// 5-minute average price, PERCENT_PRICE_BY_SIDE around the average.
const LAST = '62883.95';

let local: LocalBinance;
afterEach(() => local?.close());

const calls = () => local.fake.ledger.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);

describe('requests the adapter spares when the caller already knows', () => {
  it('a first send (journalled just now) is not looked up first, and a checked notional needs no average price', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const report = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'trd-first',
      firstSend: true,
      lastPrice: LAST,
    });
    expect(report.status).toBe('filled');
    // exchangeInfo once, then the order: no `GET order` (weight 4), no `GET avgPrice` (2).
    expect(calls()).toEqual(['GET /api/v3/exchangeInfo 200', 'POST /api/v3/order 200']);
  });

  it('without firstSend it still looks first, so a client id that already filled is never bought twice', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const request = {
      symbol: 'BTCUSDT',
      side: 'buy' as const,
      quantity: '0.001',
      clientOrderId: 'trd-again',
    };
    const first = await account.placeMarketOrder({ ...request, firstSend: true, lastPrice: LAST });
    const second = await account.placeMarketOrder(request);
    expect(second.orderId).toBe(first.orderId);
    expect(local.fake.venue.orders).toHaveLength(1);
    expect(calls()).toContain('GET /api/v3/order 200');
  });

  it('an order near the minimum notional reads the average price it is judged at', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    // 0.00017 BTC ≈ 10.69 USDT: within 10 % of the 10 USDT minimum, so the average decides.
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.00017',
      clientOrderId: 'trd-near',
      firstSend: true,
      lastPrice: LAST,
    });
    expect(calls()).toContain('GET /api/v3/avgPrice 200');
  });

  it('a stale last price far from the average is still refused by Binance itself (-1013), nothing placed', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    // The caller claims twice the market: 0.0001 BTC looks like 12.6 USDT, but Binance judges it at
    // the average (≈ 6.3 USDT), under the 10 USDT minimum.
    const error = await account
      .placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.0001',
        clientOrderId: 'trd-stale',
        firstSend: true,
        lastPrice: '125767.9',
      })
      .catch((caught: unknown) => caught);
    expect(TrdError.isInstance(error)).toBe(true);
    expect(error instanceof InvalidOrderError || error instanceof OrderRejectedError).toBe(true);
    expect(calls()).toContain('POST /api/v3/order 400');
    expect(local.fake.venue.orders.filter((order) => order.status === 'FILLED')).toEqual([]);
  });

  it("an exit checked against the caller's last price reads neither the ticker nor the average", async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-exit-priced',
      lastPrice: LAST,
    });
    expect(exit.state).toBe('open');
    expect(calls()).toEqual(['GET /api/v3/exchangeInfo 200', 'POST /api/v3/orderList/oco 200']);
  });
});
