import { OrderStatusUnknownError, RateLimitedError, TrdError, VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { loadReplayCandles } from '../feeds/load-replay-candles';
import { createMockExchange } from '../mock-exchange';

const btc = loadReplayCandles('btcusdt-1m-2024-09-21');
const alice = { apiKey: 'alice-key', secret: 'alice-secret' };
const order = { symbol: 'BTCUSDT', side: 'buy' as const, quantity: '0.001', clientOrderId: 'intent-1' };

function setup() {
  const exchange = createMockExchange({
    clock: new VirtualClock(btc[0]!.openTime),
    feeds: { BTCUSDT: { kind: 'replay', candles: btc } },
  });
  return { exchange, account: exchange.account(alice) };
}

describe('fault injection', () => {
  it('response_lost: the order IS executed, the call throws OrderStatusUnknownError, lookup finds it', async () => {
    const { exchange, account } = setup();
    exchange.faults.inject({ kind: 'response_lost', operation: 'placeMarketOrder', times: 1 });
    const error = await account.placeMarketOrder(order).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderStatusUnknownError);
    expect(error).toMatchObject({ clientOrderId: 'intent-1' });
    expect(exchange.orders(alice.apiKey)).toHaveLength(1);
    expect(await account.findOrder('BTCUSDT', 'intent-1')).toMatchObject({
      status: 'filled',
      executedQuantity: '0.001',
    });
    expect((await account.balances()).BTC!.free).toBe('0.000999');
  });

  it('response_lost hides a refusal too: the caller sees OrderStatusUnknownError and nothing was placed', async () => {
    const { exchange, account } = setup();
    exchange.faults.inject({ kind: 'response_lost', operation: 'placeMarketOrder' });
    await expect(account.placeMarketOrder({ ...order, quantity: '1' })).rejects.toBeInstanceOf(
      OrderStatusUnknownError,
    );
    expect(await account.findOrder('BTCUSDT', 'intent-1')).toBeNull();
    expect(await account.balances()).toEqual({ USDT: { free: '10000', locked: '0' } });
  });

  it('response_lost on an exit: the exit is placed and findExit finds it', async () => {
    const { exchange, account } = setup();
    await account.placeMarketOrder(order);
    exchange.faults.inject({ kind: 'response_lost', operation: 'placeExit' });
    const exit = {
      symbol: 'BTCUSDT',
      side: 'sell' as const,
      quantity: '0.00099',
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'exit-1',
    };
    await expect(account.placeExit(exit)).rejects.toBeInstanceOf(OrderStatusUnknownError);
    expect(await account.findExit('BTCUSDT', 'exit-1')).toMatchObject({ state: 'open' });
  });

  it('response_lost on a cancel: the exit IS cancelled, the call throws, a retry returns the final report', async () => {
    const { exchange, account } = setup();
    await account.placeMarketOrder(order);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00099',
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'exit-2',
    });
    exchange.faults.inject({ kind: 'response_lost', operation: 'cancelExit' });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    await expect(account.cancelExit(ref)).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    expect((await account.balances()).BTC).toEqual({ free: '0.000999', locked: '0' });
  });

  it('timeout: nothing executed, but a placement cannot know that and says OrderStatusUnknownError', async () => {
    const { exchange, account } = setup();
    exchange.faults.inject({ kind: 'timeout', operation: ['placeMarketOrder', 'balances'], times: 2 });
    await expect(account.placeMarketOrder(order)).rejects.toBeInstanceOf(OrderStatusUnknownError);
    await expect(account.balances()).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    expect(await account.findOrder('BTCUSDT', 'intent-1')).toBeNull();
    expect(exchange.orders()).toEqual([]);
  });

  it('network: ExchangeUnavailableError, retryable, nothing executed', async () => {
    const { exchange, account } = setup();
    exchange.faults.inject({ kind: 'network', times: 1 });
    const error = await account.placeMarketOrder(order).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', isRetryable: true });
    expect(exchange.orders()).toEqual([]);
    await expect(account.placeMarketOrder(order)).resolves.toMatchObject({ status: 'filled' });
  });

  it('rate_limit: RateLimitedError with retryAfterMs, on market data too', async () => {
    const { exchange } = setup();
    exchange.faults.inject({ kind: 'rate_limit', operation: 'candles', retryAfterMs: 2500 });
    const error = await exchange.marketData
      .candles('BTCUSDT', { interval: '1m', limit: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 2500 });
    await expect(exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5 })).resolves.toHaveLength(
      1,
    );
  });

  it('reject: OrderRejectedError with the venue code, placements only by default', async () => {
    const { exchange, account } = setup();
    exchange.faults.inject({ kind: 'reject', venueCode: -2010, message: 'Market is closed.' });
    await expect(account.balances()).resolves.toBeDefined();
    await expect(account.placeMarketOrder(order)).rejects.toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: -2010,
      message: 'Market is closed.',
    });
    expect(exchange.orders()).toEqual([]);
  });

  it('targets one account and one symbol, counts down `times`, and can be cancelled or cleared', async () => {
    const { exchange, account } = setup();
    const bob = exchange.account({ apiKey: 'bob-key', secret: 'bob-secret' });
    const fault = exchange.faults.inject({
      kind: 'network',
      account: 'bob-key',
      symbol: 'BTCUSDT',
      times: Number.POSITIVE_INFINITY,
    });
    await expect(account.placeMarketOrder(order)).resolves.toBeDefined();
    await expect(bob.placeMarketOrder(order)).rejects.toBeInstanceOf(TrdError);
    await expect(bob.balances()).resolves.toBeDefined(); // no symbol on a balances call
    expect(fault.remaining()).toBe(Number.POSITIVE_INFINITY);
    fault.cancel();
    await expect(bob.placeMarketOrder(order)).resolves.toBeDefined();
    exchange.faults.inject({ kind: 'network', times: 2 });
    expect(exchange.faults.active()).toHaveLength(1);
    exchange.faults.clear();
    await expect(bob.balances()).resolves.toBeDefined();
  });
});
