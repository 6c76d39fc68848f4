import {
  AuthenticationError,
  type Candle,
  ConflictError,
  exitQuantityAfterEntry,
  InsufficientFundsError,
  InvalidOrderError,
  NotFoundError,
  OrderNotFoundError,
  OrderRejectedError,
  VirtualClock,
} from '@trd/core';
import { describe, expect, it } from 'vitest';
import { loadReplayCandles } from './feeds/load-replay-candles';
import { createMockExchange } from './mock-exchange';
import type { MockExchangeOptions } from './mock-exchange-options';

const btc = loadReplayCandles('btcusdt-1m-2024-09-21');
const bar0 = btc[0]!.openTime; // 06:00 UTC, close 62918.00
const minute = 60_000;
const credentials = { apiKey: 'alice-key', secret: 'alice-secret' };

function setup(overrides: Partial<MockExchangeOptions> = {}, start = bar0) {
  const clock = new VirtualClock(start);
  const exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles: btc } },
    ...overrides,
  });
  return { clock, exchange, account: exchange.account(credentials) };
}

/** Handmade bars for cases real data does not show on cue. */
function bars(...prices: [open: number, high: number, low: number, close: number][]): Candle[] {
  return prices.map(([open, high, low, close], index) => ({
    openTime: bar0 + index * minute,
    open,
    high,
    low,
    close,
    volume: 1,
  }));
}

describe('market data on the clock', () => {
  it('shows the bars opened up to now, ascending, never one from the future', async () => {
    const { clock, exchange } = setup({}, bar0 + 10 * minute + 30_000);
    const candles = await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5 });
    expect(candles.map((c) => c.openTime)).toEqual([6, 7, 8, 9, 10].map((i) => bar0 + i * minute));
    expect(await exchange.marketData.price('BTCUSDT')).toBe(63023.97);
    await clock.advance(30_000);
    const next = await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 1000 });
    expect(next).toHaveLength(12);
    expect(next.at(-1)!.openTime).toBe(bar0 + 11 * minute);
  });

  it('has no price before the replay starts and keeps the last bar after it ends', async () => {
    const { clock, exchange } = setup({}, bar0 - 1);
    expect(await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 10 })).toEqual([]);
    await expect(exchange.marketData.price('BTCUSDT')).rejects.toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
    });
    clock.set(btc.at(-1)!.openTime + 3_600_000);
    expect(await exchange.marketData.price('BTCUSDT')).toBe(btc.at(-1)!.close);
  });

  it('can anchor a replay at the clock start instead of the candles own times', async () => {
    const start = Date.UTC(2030, 0, 1, 9, 0);
    const exchange = createMockExchange({
      clock: new VirtualClock(start),
      feeds: { BTCUSDT: { kind: 'replay', candles: btc, startAt: start } },
    });
    const [candle] = await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 1 });
    expect(candle).toEqual({ ...btc[0], openTime: start });
  });

  it('gives Binance-like rules, overridable per symbol', async () => {
    const exchange = createMockExchange({
      clock: new VirtualClock(bar0),
      feeds: {
        BTCUSDT: { kind: 'replay', candles: btc },
        ETHUSDT: { kind: 'replay', candles: loadReplayCandles('ethusdt-1m-2022-08-15') },
      },
      markets: { ETHUSDT: { minNotional: '10' } },
    });
    expect(await exchange.marketData.rules('BTCUSDT')).toEqual({
      symbol: 'BTCUSDT',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      tickSize: '0.01',
      stepSize: '0.00001',
      minQuantity: '0.00001',
      minNotional: '5',
    });
    expect(await exchange.marketData.rules('ETHUSDT')).toMatchObject({
      stepSize: '0.0001',
      minNotional: '10',
      baseAsset: 'ETH',
    });
    await expect(exchange.marketData.rules('DOGEUSDT')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses bad candle requests with a clear error', async () => {
    const { exchange } = setup();
    await expect(exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 0 })).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(
      exchange.marketData.candles('BTCUSDT', { interval: '5m' as '1m', limit: 5 }),
    ).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('market orders', () => {
  it('fills a buy at the last close, takes the fee in the base asset and moves balances exactly', async () => {
    const { account, exchange } = setup();
    const report = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'entry-1',
    });
    expect(report).toMatchObject({
      clientOrderId: 'entry-1',
      status: 'filled',
      executedQuantity: '0.001',
      averagePrice: '62918',
      quoteQuantity: '62.918',
      fees: [{ amount: '0.000001', asset: 'BTC' }],
      updatedAt: bar0,
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '9937.082', locked: '0' },
      BTC: { free: '0.000999', locked: '0' },
    });
    expect(exchange.orders(credentials.apiKey)).toHaveLength(1);
  });

  it('fills a sell with the fee in the quote asset', async () => {
    const { account } = setup({ startingBalances: { BTC: '0.01' } });
    const report = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.002',
      clientOrderId: 'sell-1',
    });
    expect(report).toMatchObject({
      averagePrice: '62918',
      quoteQuantity: '125.836',
      fees: [{ amount: '0.125836', asset: 'USDT' }],
    });
    expect(await account.balances()).toEqual({
      BTC: { free: '0.008', locked: '0' },
      USDT: { free: '125.710164', locked: '0' },
    });
  });

  it('applies slippage against the taker, rounded to the tick', async () => {
    const { account } = setup({ slippageBps: 10, startingBalances: { USDT: '1000', BTC: '1' } });
    const buy = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'b',
    });
    const sell = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.001',
      clientOrderId: 's',
    });
    expect(buy.averagePrice).toBe('62980.92'); // 62918 × 1.001 = 62980.918, up to the tick
    expect(sell.averagePrice).toBe('62855.08'); // 62918 × 0.999 = 62855.082, down to the tick
  });

  it('refuses orders off the step or under the minimum notional, and loses nothing', async () => {
    const { account, exchange } = setup();
    await expect(
      account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.000015',
        clientOrderId: 'off-step',
      }),
    ).rejects.toBeInstanceOf(InvalidOrderError);
    await expect(
      account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.00007',
        clientOrderId: 'tiny',
      }),
    ).rejects.toThrow(/MIN_NOTIONAL/);
    await expect(
      account.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '1e-3', clientOrderId: 'exp' }),
    ).rejects.toBeInstanceOf(InvalidOrderError);
    expect(await account.balances()).toEqual({ USDT: { free: '10000', locked: '0' } });
    expect(exchange.orders()).toEqual([]);
  });

  it('refuses what the account cannot pay for with InsufficientFundsError', async () => {
    const { account } = setup({ startingBalances: { USDT: '50' } });
    await expect(
      account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity: '0.001',
        clientOrderId: 'too-big',
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(
      account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: '0.001',
        clientOrderId: 'no-btc',
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await account.balances()).toEqual({ USDT: { free: '50', locked: '0' } });
  });

  it('rejects an unknown symbol like the venue would', async () => {
    const { account } = setup();
    await expect(
      account.placeMarketOrder({ symbol: 'XYZUSDT', side: 'buy', quantity: '1', clientOrderId: 'x' }),
    ).rejects.toMatchObject({ code: 'ORDER_REJECTED', venueCode: -1121 });
  });

  it('keeps accounts apart', async () => {
    const { exchange, account } = setup();
    const bob = exchange.account({ apiKey: 'bob-key', secret: 'bob-secret' });
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'same-id',
    });
    expect(await bob.balances()).toEqual({ USDT: { free: '10000', locked: '0' } });
    expect(await bob.findOrder('BTCUSDT', 'same-id')).toBeNull();
    expect(exchange.orders('bob-key')).toEqual([]);
  });
});

describe('client order ids', () => {
  it('finds an order by client id, and null for an unknown one', async () => {
    const { account } = setup();
    const placed = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'find-me',
    });
    expect(await account.findOrder('BTCUSDT', 'find-me')).toEqual(placed);
    expect(await account.findOrder('BTCUSDT', 'never-sent')).toBeNull();
  });

  it('accepts a FILLED market order id again, like Binance: a second order', async () => {
    const { account, exchange } = setup();
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'reused',
    });
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'reused',
    });
    expect(exchange.orders(credentials.apiKey).filter((o) => o.clientOrderId === 'reused')).toHaveLength(2);
  });

  it('refuses any reuse with ConflictError when reuseFilledClientOrderIds is false', async () => {
    const { account, exchange } = setup({ reuseFilledClientOrderIds: false });
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'once',
    });
    await expect(
      account.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.001', clientOrderId: 'once' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(exchange.orders()).toHaveLength(1);
  });

  it('hides new orders and exits from lookups for the visibility delay', async () => {
    const { account, clock } = setup({ orderVisibilityDelayMs: 20_000 });
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'slow',
    });
    await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00099',
      takeProfit: '64000',
      stopLoss: '62000',
      clientOrderId: 'slow-exit',
    });
    await clock.advance(19_999);
    expect(await account.findOrder('BTCUSDT', 'slow')).toBeNull();
    expect(await account.findExit('BTCUSDT', 'slow-exit')).toBeNull();
    await clock.advance(1);
    expect(await account.findOrder('BTCUSDT', 'slow')).toMatchObject({ status: 'filled' });
    expect(await account.findExit('BTCUSDT', 'slow-exit')).toMatchObject({ state: 'open' });
  });
});

describe('OCO exits', () => {
  async function enterLong(
    account: ReturnType<typeof setup>['account'],
    exchange: ReturnType<typeof setup>['exchange'],
  ) {
    const entry = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'entry',
    });
    return exitQuantityAfterEntry(await exchange.marketData.rules('BTCUSDT'), entry); // 0.00099
  }

  it('locks the base asset and takes profit at the limit when a later bar reaches it', async () => {
    const { account, exchange, clock } = setup();
    const quantity = await enterLong(account, exchange);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '62930',
      stopLoss: '62880',
      clientOrderId: 'exit-1',
    });
    expect(exit).toEqual({
      exitRef: exit.exitRef,
      clientOrderId: 'exit-1',
      symbol: 'BTCUSDT',
      state: 'open',
    });
    expect((await account.balances()).BTC).toEqual({ free: '0.000009', locked: '0.00099' });
    await clock.advance(5 * minute); // bars 06:01–06:05 stay inside 62890–62920
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'open',
    });
    await clock.advance(minute); // 06:06 reaches 62942
    const done = await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef });
    expect(done).toMatchObject({
      state: 'filled',
      leg: 'take_profit',
      fill: {
        status: 'filled',
        side: 'sell',
        executedQuantity: '0.00099',
        averagePrice: '62930',
        quoteQuantity: '62.3007',
        fees: [{ amount: '0.0623007', asset: 'USDT' }],
        updatedAt: bar0 + 6 * minute,
      },
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '9999.3203993', locked: '0' }, // 9937.082 + 62.3007 − 0.0623007
      BTC: { free: '0.000009', locked: '0' },
    });
    const legs = exchange.orders(credentials.apiKey).filter((o) => o.exitRef === exit.exitRef);
    expect(legs.map((o) => [o.type, o.status])).toEqual([
      ['take_profit', 'filled'],
      ['stop_loss', 'expired'],
    ]);
  });

  it('stops out at the stop price', async () => {
    const { account, exchange, clock } = setup();
    const quantity = await enterLong(account, exchange);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '63100',
      stopLoss: '62895',
      clientOrderId: 'exit-sl',
    });
    await clock.advance(minute); // 06:01 low 62890
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '62895', fees: [{ amount: '0.06226605', asset: 'USDT' }] },
    });
  });

  it('catches up on every bar passed while nobody looked, in order', async () => {
    const { account, exchange, clock } = setup();
    const quantity = await enterLong(account, exchange);
    // 06:06 reaches the take profit first; 06:10 would reach nothing lower than 62967.98.
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '62930',
      stopLoss: '62880',
      clientOrderId: 'late',
    });
    clock.set(bar0 + 3 * 60 * minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'take_profit',
      fill: { updatedAt: bar0 + 6 * minute },
    });
  });

  it('resolves a bar that touches both legs pessimistically: stop loss first', async () => {
    const candles = bars([100, 100, 100, 100], [100, 102, 98, 100]);
    const clock = new VirtualClock(bar0);
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles } },
      startingBalances: { BTC: '1' },
    });
    const account = exchange.account(credentials);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.1',
      takeProfit: '101',
      stopLoss: '99',
      clientOrderId: 'both',
    });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: { averagePrice: '99' },
    });
  });

  it('matches each exit from the bar after its placement, across accounts', async () => {
    const candles = bars(
      [100, 100, 100, 100],
      [100, 102, 99.5, 100],
      [100, 100.5, 99.5, 100],
      [100, 103, 100, 102],
    );
    const clock = new VirtualClock(bar0);
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles } },
      startingBalances: { BTC: '1' },
    });
    const alice = exchange.account(credentials);
    const bob = exchange.account({ apiKey: 'bob-key', secret: 'bob-secret' });
    const levels = { symbol: 'BTCUSDT', side: 'sell' as const, quantity: '0.1', stopLoss: '98' };
    const early = await alice.placeExit({ ...levels, takeProfit: '101', clientOrderId: 'early' });
    await clock.advance(minute + 10_000);
    const late = await bob.placeExit({ ...levels, takeProfit: '101.5', clientOrderId: 'late' });
    expect(await alice.exitStatus({ symbol: 'BTCUSDT', exitRef: early.exitRef })).toMatchObject({
      leg: 'take_profit',
    });
    await clock.advance(minute); // bar 2 stays under 101.5; bar 1's 102 happened before bob's exit
    expect(await bob.exitStatus({ symbol: 'BTCUSDT', exitRef: late.exitRef })).toMatchObject({
      state: 'open',
    });
    await clock.advance(minute);
    expect(await bob.exitStatus({ symbol: 'BTCUSDT', exitRef: late.exitRef })).toMatchObject({
      leg: 'take_profit',
      fill: { updatedAt: bar0 + 3 * minute },
    });
  });

  it('handles a buy exit (closing a short): locks quote at the stop, fee in base', async () => {
    const candles = bars([100, 100, 100, 100], [100, 100.5, 98.5, 99]);
    const clock = new VirtualClock(bar0);
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles } },
      startingBalances: { USDT: '100' },
    });
    const account = exchange.account(credentials);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.1',
      takeProfit: '99',
      stopLoss: '101',
      clientOrderId: 'short-exit',
    });
    expect((await account.balances()).USDT).toEqual({ free: '89.9', locked: '10.1' });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'take_profit',
      fill: { side: 'buy', averagePrice: '99', fees: [{ amount: '0.0001', asset: 'BTC' }] },
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '90.1', locked: '0' },
      BTC: { free: '0.0999', locked: '0' },
    });
  });

  it('trades against a price set by hand at once', async () => {
    const { account, exchange } = setup();
    const quantity = await enterLong(account, exchange);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'manual',
    });
    exchange.setPrice('BTCUSDT', 63001);
    expect(await exchange.marketData.price('BTCUSDT')).toBe(63001);
    expect((await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 1 }))[0]).toMatchObject({
      close: 63001,
      high: 63001,
    });
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'take_profit',
      fill: { averagePrice: '63000' },
    });
  });

  it('keeps a price set by hand only until the next bar opens', async () => {
    const { exchange, clock } = setup();
    exchange.setPrice('BTCUSDT', 64000);
    await clock.advance(59_999);
    expect(await exchange.marketData.price('BTCUSDT')).toBe(64000);
    await clock.advance(1);
    expect(await exchange.marketData.price('BTCUSDT')).toBe(btc[1]!.close);
    expect(() => exchange.setPrice('BTCUSDT', 0)).toThrow(/positive price/);
  });

  it("leaves a custom feed's own bars untouched by a price set by hand", async () => {
    const own = bars([100, 101, 99, 100], [100, 102, 98, 101]);
    // A plain feed that hands out its own candle objects, as a custom feed may.
    const feed = {
      barsUpTo: (time: number, limit: number) => own.filter((bar) => bar.openTime <= time).slice(-limit),
      barsBetween: (from: number, to: number) =>
        own.filter((bar) => bar.openTime > from && bar.openTime <= to),
      currentBar: (time: number) => own.filter((bar) => bar.openTime <= time).at(-1),
    };
    const { exchange, clock } = setup({ feeds: { BTCUSDT: { kind: 'custom', feed } } });
    exchange.setPrice('BTCUSDT', 105);
    expect((await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 1 }))[0]).toMatchObject({
      close: 105,
      high: 105,
    });
    await clock.advance(minute);
    expect(await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 2 })).toEqual(own);
    expect(own[0]).toMatchObject({ high: 101, close: 100 });
  });

  it('rejects exits off the tick, off the step or under the minimum notional before locking anything', async () => {
    const { account, exchange } = setup();
    const quantity = await enterLong(account, exchange);
    const base = {
      symbol: 'BTCUSDT',
      side: 'sell' as const,
      quantity,
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'bad',
    };
    await expect(account.placeExit({ ...base, takeProfit: '63000.005' })).rejects.toBeInstanceOf(
      InvalidOrderError,
    );
    await expect(account.placeExit({ ...base, quantity: '0.000995' })).rejects.toBeInstanceOf(
      InvalidOrderError,
    );
    await expect(account.placeExit({ ...base, quantity: '0.00005' })).rejects.toThrow(/MIN_NOTIONAL/);
    expect((await account.balances()).BTC).toEqual({ free: '0.000999', locked: '0' });
    expect(await account.findExit('BTCUSDT', 'bad')).toBeNull();
  });

  it('rejects legs on the wrong side of the market like Binance (-2010)', async () => {
    const { account, exchange } = setup();
    const quantity = await enterLong(account, exchange);
    await expect(
      account.placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity,
        takeProfit: '62900',
        stopLoss: '62800',
        clientOrderId: 'wrong',
      }),
    ).rejects.toMatchObject({ constructor: OrderRejectedError, venueCode: -2010 });
  });

  it('needs the base asset it sells', async () => {
    const { account } = setup();
    await expect(
      account.placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: '0.001',
        takeProfit: '63000',
        stopLoss: '62800',
        clientOrderId: 'naked',
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
  });

  it('answers a repeated placement of an open exit with the same exit, locking once', async () => {
    const { account, exchange } = setup();
    const quantity = await enterLong(account, exchange);
    const request = {
      symbol: 'BTCUSDT',
      side: 'sell' as const,
      quantity,
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'twice',
    };
    const first = await account.placeExit(request);
    const second = await account.placeExit(request);
    expect(second.exitRef).toBe(first.exitRef);
    expect(exchange.exits(credentials.apiKey)).toHaveLength(1);
    expect((await account.balances()).BTC!.locked).toBe('0.00099');
  });

  it('cancels an open exit, releases the lock, and answers later cancels with the final report', async () => {
    const { account, exchange, clock } = setup();
    const quantity = await enterLong(account, exchange);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '62930',
      stopLoss: '62880',
      clientOrderId: 'cancel-me',
    });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    expect((await account.balances()).BTC).toEqual({ free: '0.000999', locked: '0' });
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    await clock.advance(10 * minute); // the take profit level is crossed: nothing fills any more
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'cancelled' });
    expect((await account.balances()).USDT!.free).toBe('9937.082');
  });

  it('answers a cancel of a filled exit with the fill', async () => {
    const { account, exchange } = setup();
    const quantity = await enterLong(account, exchange);
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity,
      takeProfit: '63000',
      stopLoss: '62800',
      clientOrderId: 'too-late',
    });
    exchange.setPrice('BTCUSDT', '62700');
    expect(await account.cancelExit({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
    });
  });

  it('reports an unknown exit with OrderNotFoundError', async () => {
    const { account } = setup();
    await expect(account.exitStatus({ symbol: 'BTCUSDT', exitRef: '999' })).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
    await expect(account.cancelExit({ symbol: 'BTCUSDT', exitRef: '999' })).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
  });
});

describe('accounts and cancellation', () => {
  it('needs an API key to name the account', () => {
    const { exchange } = setup();
    expect(() => exchange.account({ apiKey: '', secret: 'x' })).toThrow(AuthenticationError);
  });

  it('rejects reads whose signal is already aborted with its reason', async () => {
    const { exchange, account } = setup();
    const controller = new AbortController();
    controller.abort(new Error('cycle cancelled'));
    await expect(
      exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5, signal: controller.signal }),
    ).rejects.toThrow('cycle cancelled');
    await expect(exchange.marketData.price('BTCUSDT', { signal: controller.signal })).rejects.toThrow(
      'cycle cancelled',
    );
    await expect(account.balances({ signal: controller.signal })).rejects.toThrow('cycle cancelled');
  });
});

describe('options', () => {
  it('refuses bad options with ConfigError', () => {
    const clock = new VirtualClock(bar0);
    const feeds = { BTCUSDT: { kind: 'replay' as const, candles: btc } };
    expect(() => createMockExchange({ clock, feeds: {} })).toThrow(/at least one feed/);
    expect(() => createMockExchange({ clock, feeds, feeRate: '1.5' })).toThrow(/feeRate/);
    expect(() => createMockExchange({ clock, feeds, slippageBps: -1 })).toThrow(/slippageBps/);
    expect(() => createMockExchange({ clock, feeds, startingBalances: { USDT: 'lots' } })).toThrow(
      /starting balance/,
    );
    expect(() =>
      createMockExchange({ clock, feeds: { BTCUSDT: { kind: 'replay', candles: [...btc].reverse() } } }),
    ).toThrow(/ascending/);
  });

  it('never puts credentials in errors', async () => {
    const { account } = setup({ startingBalances: {} });
    const error = await account
      .placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.001', clientOrderId: 'poor' })
      .catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toMatch(/alice/);
  });
});
