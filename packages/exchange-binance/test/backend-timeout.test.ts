import { OrderStatusUnknownError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BINANCE_BACKEND_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../src/index';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// rest-api.md:102-104: the API times out after 10 s with -1007 "Timeout waiting for response from
// backend server. Send status unknown; execution status unknown." The order may exist: it is
// looked up by client id, never sent again.

let local: LocalBinance;
afterEach(() => local?.close());

const entry = {
  symbol: 'BTCUSDT',
  side: 'buy' as const,
  quantity: '0.0015',
  clientOrderId: 'trd-slow-entry',
};
const posts = () => local.fake.server.requests('POST', '/api/v3/order');

describe("Binance's backend timeout (-1007)", () => {
  it("the default HTTP timeout is longer than Binance's 10 s backend timeout", () => {
    expect(BINANCE_BACKEND_TIMEOUT_MS).toBe(10_000);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBeGreaterThan(BINANCE_BACKEND_TIMEOUT_MS);
  });

  it('-1007 to a placement Binance did not execute is OrderStatusUnknownError after the lookups, never a second order', async () => {
    // The fake's backend waits 200 ms (Binance: 10 s), the adapter 1000 ms (default: 15 s).
    local = await startLocalBinance({
      exchange: { requestTimeoutMs: 1000, orderLookup: { attempts: 2, delayMs: 0 } },
    });
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'backend-timeout', delayMs: 200 });
    const error = await local.exchange
      .account(TEST_CREDENTIALS)
      .placeMarketOrder(entry)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect(error).toMatchObject({ clientOrderId: 'trd-slow-entry' });
    // Binance's own answer is seen, not a timeout of ours.
    expect((error as Error).message).toMatch(/Timeout waiting for response from backend server.*-1007/);
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.status).toBe(503);
    expect(local.fake.venue.orders).toEqual([]);
  });

  it('-1007 to a placement Binance did execute: the lookup by client id returns the order', async () => {
    local = await startLocalBinance({
      exchange: { requestTimeoutMs: 1000, orderLookup: { attempts: 2, delayMs: 0 } },
    });
    local.fake.fault({
      method: 'POST',
      path: '/api/v3/order',
      kind: 'backend-timeout',
      delayMs: 200,
      afterProcessing: true,
    });
    const report = await local.exchange.account(TEST_CREDENTIALS).placeMarketOrder(entry);
    expect(report).toMatchObject({
      clientOrderId: 'trd-slow-entry',
      status: 'filled',
      executedQuantity: '0.0015',
    });
    expect(posts()).toHaveLength(1);
    expect(local.fake.venue.orders).toHaveLength(1);
  });

  it('-1007 to an OCO: looked up by its list client id', async () => {
    local = await startLocalBinance({
      balances: { BTC: '0.01' },
      exchange: { requestTimeoutMs: 1000, orderLookup: { attempts: 2, delayMs: 0 } },
    });
    local.fake.fault({
      method: 'POST',
      path: '/api/v3/orderList/oco',
      kind: 'backend-timeout',
      delayMs: 100,
      afterProcessing: true,
    });
    const report = await local.exchange.account(TEST_CREDENTIALS).placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-slow-exit',
    });
    expect(report).toMatchObject({ clientOrderId: 'trd-slow-exit', state: 'open' });
    expect(local.fake.server.requests('POST', '/api/v3/orderList/oco')).toHaveLength(1);
    expect(local.fake.server.requests('GET', '/api/v3/orderList').at(-1)?.params.origClientOrderId).toBe(
      'trd-slow-exit',
    );
  });

  it('with a timeout shorter than the backend, our abort comes first and -1007 is never seen', async () => {
    local = await startLocalBinance({
      exchange: { requestTimeoutMs: 100, orderLookup: { attempts: 1, delayMs: 0 } },
    });
    local.fake.fault({ method: 'POST', path: '/api/v3/order', kind: 'backend-timeout', delayMs: 400 });
    const error = await local.exchange
      .account(TEST_CREDENTIALS)
      .placeMarketOrder(entry)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect((error as Error).message).toMatch(/no response within 100 ms/);
    expect((error as Error).message).not.toMatch(/-1007/);
  });
});
