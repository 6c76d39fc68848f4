import { type Candle, exitQuantityAfterEntry, VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { loadReplayCandles } from './feeds/load-replay-candles';
import { createMockExchange } from './mock-exchange';
import type { MockExchangeOptions } from './mock-exchange-options';

const btc = loadReplayCandles('btcusdt-1m-2024-09-21');
const bar0 = btc[0]!.openTime;
const minute = 60_000;
const credentials = { apiKey: 'gap-key', secret: 'gap-secret' };

/** Handmade bars from bar0 on, one a minute: [open, high, low, close]. */
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

function venue(candles: Candle[], overrides: Partial<MockExchangeOptions> = {}) {
  const clock = new VirtualClock(bar0);
  const exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles } },
    startingBalances: { BTC: '1' },
    ...overrides,
  });
  const account = exchange.account(credentials);
  return { clock, exchange, account };
}

/** A sell exit of 0.1 BTC around 100: take profit 101, stop 99. */
const longExit = {
  symbol: 'BTCUSDT',
  side: 'sell' as const,
  quantity: '0.1',
  takeProfit: '101',
  stopLoss: '99',
  clientOrderId: 'long-exit',
};
/** A buy exit of 0.1 BTC around 100 (closing a short): take profit 99, stop 101. */
const shortExit = {
  ...longExit,
  side: 'buy' as const,
  takeProfit: '99',
  stopLoss: '101',
  clientOrderId: 'short-exit',
};
const flat: [number, number, number, number] = [100, 100, 100, 100];

describe('stops in gaps', () => {
  it('fills a sell stop at the open when the bar opens below the stop', async () => {
    const { account, clock } = venue(bars(flat, [97, 98, 96, 97.5]));
    const exit = await account.placeExit(longExit);
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: {
        averagePrice: '97',
        executedQuantity: '0.1',
        quoteQuantity: '9.7',
        fees: [{ amount: '0.0097', asset: 'USDT' }],
        updatedAt: bar0 + minute,
      },
    });
    expect(await account.balances()).toEqual({
      BTC: { free: '0.9', locked: '0' },
      USDT: { free: '9.6903', locked: '0' },
    });
  });

  it('fills a sell stop at the stop when the bar opens above it and trades through', async () => {
    const { account, clock } = venue(bars(flat, [99.5, 100, 98, 98.5]));
    const exit = await account.placeExit(longExit);
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: { averagePrice: '99', quoteQuantity: '9.9', fees: [{ amount: '0.0099', asset: 'USDT' }] },
    });
    expect((await account.balances()).USDT).toEqual({ free: '9.8901', locked: '0' });
  });

  it('fills a buy stop at the open when the bar opens above the stop', async () => {
    const { account, clock } = venue(bars(flat, [103, 104, 102.5, 103]), {
      startingBalances: { USDT: '100' },
    });
    const exit = await account.placeExit(shortExit);
    expect((await account.balances()).USDT).toEqual({ free: '89.9', locked: '10.1' });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: {
        side: 'buy',
        averagePrice: '103',
        quoteQuantity: '10.3',
        fees: [{ amount: '0.0001', asset: 'BTC' }],
      },
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '89.7', locked: '0' },
      BTC: { free: '0.0999', locked: '0' },
    });
  });

  it('expires a buy stop without a limit that gaps above what the account can pay', async () => {
    const { account, clock, exchange } = venue(bars(flat, [103, 104, 102.5, 103]), {
      startingBalances: { USDT: '10.1' },
    });
    const exit = await account.placeExit(shortExit);
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toEqual({
      exitRef: exit.exitRef,
      clientOrderId: 'short-exit',
      symbol: 'BTCUSDT',
      state: 'cancelled',
    });
    expect(await account.balances()).toEqual({ USDT: { free: '10.1', locked: '0' } });
    expect(exchange.orders().map((order) => order.status)).toEqual(['expired', 'expired']);
  });

  it('takes profit at the limit, not at the open, when the bar opens beyond the take profit', async () => {
    // The bar opens above the take profit, then falls through the stop: the take profit came first.
    const { account, clock } = venue(bars(flat, [102, 102.5, 98.5, 99]));
    const exit = await account.placeExit(longExit);
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'take_profit',
      fill: { averagePrice: '101', quoteQuantity: '10.1' },
    });
  });
});

describe('stop-limit exits', () => {
  it('fills at the stop when the stop trades within the limit', async () => {
    const { account, clock } = venue(bars(flat, [99.5, 100, 98, 98.5]));
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '99' },
    });
  });

  it('fills at the open when a gap opens below the stop but within the limit', async () => {
    const { account, clock } = venue(bars(flat, [98.7, 98.8, 98, 98.2]));
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: { averagePrice: '98.7', quoteQuantity: '9.87' },
    });
  });

  it('turns a sell stop gapping below its limit into a working limit: triggered, locked, filled at the limit later', async () => {
    const { account, clock, exchange } = venue(
      bars(flat, [97, 98, 96, 97.5], [97.5, 98.4, 97, 98], [98, 98.6, 97.8, 98.5]),
    );
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    await clock.advance(minute);
    expect(await account.exitStatus(ref)).toEqual({
      exitRef: exit.exitRef,
      clientOrderId: 'long-exit',
      symbol: 'BTCUSDT',
      state: 'triggered',
    });
    expect(await account.balances()).toEqual({ BTC: { free: '0.9', locked: '0.1' } });
    expect(exchange.orders().map((order) => [order.type, order.status, order.updatedAt])).toEqual([
      ['take_profit', 'expired', bar0 + minute],
      ['stop_loss', 'new', bar0 + minute],
    ]);
    await clock.advance(minute); // high 98.4: the limit at 98.5 still waits
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered' });
    await clock.advance(minute); // high 98.6
    expect(await account.exitStatus(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: {
        averagePrice: '98.5',
        quoteQuantity: '9.85',
        fees: [{ amount: '0.00985', asset: 'USDT' }],
        updatedAt: bar0 + 3 * minute,
      },
    });
    expect(await account.balances()).toEqual({
      BTC: { free: '0.9', locked: '0' },
      USDT: { free: '9.84015', locked: '0' },
    });
    expect(exchange.orders().map((order) => [order.type, order.status])).toEqual([
      ['take_profit', 'expired'],
      ['stop_loss', 'filled'],
    ]);
  });

  it('fills the working limit in the gap bar itself when the rest of that bar comes back to it', async () => {
    const { account, clock } = venue(bars(flat, [97, 99, 96, 98.8]));
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    await clock.advance(minute);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '98.5', updatedAt: bar0 + minute },
    });
  });

  it('mirrors it for a buy stop gapping above its limit, locking quote at the limit', async () => {
    const { account, clock } = venue(bars(flat, [102, 102.5, 101.8, 102], [101.8, 102, 101.4, 101.6]), {
      startingBalances: { USDT: '100' },
    });
    const exit = await account.placeExit({ ...shortExit, stopLimit: '101.5' });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    expect((await account.balances()).USDT).toEqual({ free: '89.85', locked: '10.15' });
    await clock.advance(minute);
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered' });
    expect((await account.balances()).USDT).toEqual({ free: '89.85', locked: '10.15' });
    await clock.advance(minute); // low 101.4 reaches the buy limit
    expect(await account.exitStatus(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '101.5', quoteQuantity: '10.15', fees: [{ amount: '0.0001', asset: 'BTC' }] },
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '89.85', locked: '0' },
      BTC: { free: '0.0999', locked: '0' },
    });
  });

  it('cancels a triggered exit: the working leg is cancelled, the coins unlocked, nothing fills later', async () => {
    const { account, clock, exchange } = venue(bars(flat, [97, 98, 96, 97.5], [98, 99, 98, 99]));
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    await clock.advance(minute);
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    expect(await account.balances()).toEqual({ BTC: { free: '1', locked: '0' } });
    expect(exchange.orders().map((order) => [order.type, order.status])).toEqual([
      ['take_profit', 'expired'],
      ['stop_loss', 'cancelled'],
    ]);
    await clock.advance(minute); // would have reached the limit
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'cancelled' });
    expect(await account.cancelExit(ref)).toMatchObject({ state: 'cancelled' });
    expect(await account.balances()).toEqual({ BTC: { free: '1', locked: '0' } });
  });

  it('answers a cancel of a triggered exit whose limit has filled meanwhile with the fill', async () => {
    const { account, clock } = venue(bars(flat, [97, 98, 96, 97.5], [98, 99, 98, 99]));
    const exit = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    await clock.advance(2 * minute);
    expect(await account.cancelExit({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '98.5' },
    });
  });

  it('answers a repeated placement of a triggered exit with that exit, locking nothing more', async () => {
    const { account, clock, exchange } = venue(bars(flat, [97, 98, 96, 97.5]));
    const first = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    await clock.advance(minute);
    const again = await account.placeExit({ ...longExit, stopLimit: '98.5' });
    expect(again).toMatchObject({ exitRef: first.exitRef, state: 'triggered' });
    expect(exchange.exits()).toHaveLength(1);
    expect((await account.balances()).BTC).toEqual({ free: '0.9', locked: '0.1' });
  });
});

describe('prices set by hand are part of the path', () => {
  async function longAtReplay() {
    const clock = new VirtualClock(bar0);
    const exchange = createMockExchange({ clock, feeds: { BTCUSDT: { kind: 'replay', candles: btc } } });
    const account = exchange.account(credentials);
    const entry = await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.001',
      clientOrderId: 'entry',
    }); // 62918, 0.000999 BTC after the fee
    const quantity = exitQuantityAfterEntry(await exchange.marketData.rules('BTCUSDT'), entry); // 0.00099
    return { exchange, account, quantity };
  }

  it('fills a stop jumped past at the price jumped to, on the tick', async () => {
    const { exchange, account, quantity } = await longAtReplay();
    const exit = await account.placeExit({ ...longExit, quantity, takeProfit: '63000', stopLoss: '62800' });
    exchange.setPrice('BTCUSDT', '62750.555');
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: {
        averagePrice: '62750.55',
        quoteQuantity: '62.1230445',
        fees: [{ amount: '0.0621230445', asset: 'USDT' }],
      },
    });
    expect(await account.balances()).toEqual({
      USDT: { free: '9999.1429214555', locked: '0' }, // 9937.082 + 62.1230445 − 0.0621230445
      BTC: { free: '0.000009', locked: '0' },
    });
  });

  it('fills a stop moved onto exactly at the stop', async () => {
    const { exchange, account, quantity } = await longAtReplay();
    const exit = await account.placeExit({ ...longExit, quantity, takeProfit: '63000', stopLoss: '62800' });
    exchange.setPrice('BTCUSDT', 62800);
    expect(await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).toMatchObject({
      leg: 'stop_loss',
      fill: { averagePrice: '62800' },
    });
  });

  it('triggers a stop-limit jumped past its limit, and fills it when a later jump reaches the limit', async () => {
    const { exchange, account, quantity } = await longAtReplay();
    const exit = await account.placeExit({
      ...longExit,
      quantity,
      takeProfit: '63000',
      stopLoss: '62800',
      stopLimit: '62790',
    });
    const ref = { symbol: 'BTCUSDT', exitRef: exit.exitRef };
    exchange.setPrice('BTCUSDT', 62700);
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered' });
    expect((await account.balances()).BTC).toEqual({ free: '0.000009', locked: '0.00099' });
    exchange.setPrice('BTCUSDT', 62789.99);
    expect(await account.exitStatus(ref)).toMatchObject({ state: 'triggered' });
    exchange.setPrice('BTCUSDT', 62795);
    expect(await account.exitStatus(ref)).toMatchObject({
      state: 'filled',
      leg: 'stop_loss',
      fill: { averagePrice: '62790', quoteQuantity: '62.1621' },
    });
  });
});
