import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Candle, ConfigError, VirtualClock } from '@trd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockExchange, type MockExchange } from './mock-exchange';

const bar0 = Date.UTC(2024, 8, 21, 6, 0);
const minute = 60_000;
const root = mkdtempSync(join(tmpdir(), 'trd-venue-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(root, `state-${++files}`, 'venue.json');

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

// 1: flat; 2: gaps to 97 (a stop-limit at 98.5 triggers); 3: high 98.6 fills it; 4: reaches 101.
const candles = bars([100, 100, 100, 100], [97, 98, 96, 97.5], [98, 98.6, 97.8, 98.5], [99, 101.2, 99, 101]);

function open(stateFile: string, time: number) {
  const clock = new VirtualClock(time);
  const exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles } },
    startingBalances: { USDT: '1000' },
    stateFile,
  });
  return { clock, exchange };
}

const alice = { apiKey: 'alice-secret-api-key', secret: 'alice-secret' };
const bob = { apiKey: 'bob-secret-api-key', secret: 'bob-secret' };

/** Everything a caller can see of the venue. */
async function view(exchange: MockExchange) {
  return {
    orders: exchange.orders(),
    exits: exchange.exits(),
    alice: exchange.balances(alice.apiKey),
    bob: exchange.balances(bob.apiKey),
    price: exchange.currentPrice('BTCUSDT'),
  };
}

/** Alice holds 0.1 BTC with a stop-limit exit and one exit cancelled; Bob has a plain exit and a deposit. */
async function trade(exchange: MockExchange) {
  const a = exchange.account(alice);
  const b = exchange.account(bob);
  await a.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.2', clientOrderId: 'a-entry' });
  const cancelled = await a.placeExit({
    symbol: 'BTCUSDT',
    side: 'sell',
    quantity: '0.0998',
    takeProfit: '102',
    stopLoss: '95',
    clientOrderId: 'a-cancelled',
  });
  await a.cancelExit({ symbol: 'BTCUSDT', exitRef: cancelled.exitRef });
  await a.placeExit({
    symbol: 'BTCUSDT',
    side: 'sell',
    quantity: '0.0998',
    takeProfit: '101',
    stopLoss: '99',
    stopLimit: '98.5',
    clientOrderId: 'a-exit',
  });
  await b.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.1', clientOrderId: 'b-entry' });
  await b.placeExit({
    symbol: 'BTCUSDT',
    side: 'sell',
    quantity: '0.0999',
    takeProfit: '101',
    stopLoss: '90',
    clientOrderId: 'b-exit',
  });
  exchange.deposit(bob.apiKey, 'USDT', '0.5');
}

describe('the venue state file', () => {
  it('round-trips the whole venue: a second venue on the file sees the same and moves on the same way', async () => {
    const stateFile = freshFile();
    const first = open(stateFile, bar0 + 10_000);
    await trade(first.exchange);
    await first.clock.advance(minute); // 06:01 gaps: Alice's exit is triggered
    first.exchange.setPrice('BTCUSDT', '97.25');
    const seen = await view(first.exchange);
    expect(seen.exits.map((exit) => exit.state)).toEqual(['cancelled', 'triggered', 'open']);
    expect(seen.alice).toEqual({
      USDT: { free: '980', locked: '0' },
      BTC: { free: '0.1', locked: '0.0998' },
    });
    expect(seen.price).toBe(97.25);

    const second = open(stateFile, bar0 + minute + 10_000);
    expect(await view(second.exchange)).toEqual(seen);
    expect(second.exchange.stateSavedAt()).toBe(bar0 + minute + 10_000);

    // Both venues now see bars 2 and 3: Alice's working limit fills at 98.5, Bob takes profit at 101.
    for (const venue of [first, second]) await venue.clock.advance(3 * minute);
    const later = await view(second.exchange);
    expect(later).toEqual(await view(first.exchange));
    expect(later.exits.map((exit) => [exit.state, exit.leg, exit.fill?.averagePrice])).toEqual([
      ['cancelled', undefined, undefined],
      ['filled', 'stop_loss', '98.5'],
      ['filled', 'take_profit', '101'],
    ]);
    expect(later.alice).toEqual({
      USDT: { free: '989.8204697', locked: '0' }, // 980 + 0.0998 × 98.5 − the 0.1% fee
      BTC: { free: '0.1', locked: '0' },
    });
    // Ids go on from where the first process stopped.
    const order = await second.exchange.account(bob).placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.1',
      clientOrderId: 'b-again',
    });
    expect(order.orderId).toBe('9');
  });

  it('keeps exact decimals as strings, a version, and no API key; leaves no temporary file', async () => {
    const stateFile = freshFile();
    const { exchange } = open(stateFile, bar0 + 10_000);
    await trade(exchange);
    const text = readFileSync(stateFile, 'utf8');
    const state = JSON.parse(text);
    expect(state).toMatchObject({ format: 'trd-exchange-mock-venue', version: 1, savedAt: bar0 + 10_000 });
    expect(state.accounts[0].balances).toEqual({
      USDT: { free: '980', locked: '0' },
      BTC: { free: '0.1', locked: '0.0998' },
    });
    expect(state.accounts[0].exits[1]).toMatchObject({
      stopLimit: '98.5',
      lockedAmount: '0.0998',
      state: 'open',
    });
    expect(text).not.toContain('secret');
    expect(readdirSync(join(stateFile, '..'))).toEqual(['venue.json']);
  });

  it('is written only when something changed', async () => {
    const stateFile = freshFile();
    const { exchange, clock } = open(stateFile, bar0 + 10_000);
    await trade(exchange);
    const saved = readFileSync(stateFile, 'utf8');
    await clock.advance(20_000); // same bar: nothing to match
    const account = exchange.account(alice);
    await account.balances();
    await account.findOrder('BTCUSDT', 'a-entry');
    await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5 });
    expect(readFileSync(stateFile, 'utf8')).toBe(saved);
    await clock.advance(minute); // a new bar is matched against the open exits
    await account.balances();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).savedAt).toBe(bar0 + minute + 30_000);
  });

  it('starts empty when the file does not exist yet', async () => {
    const stateFile = freshFile();
    const { exchange } = open(stateFile, bar0);
    expect(exchange.stateSavedAt()).toBeUndefined();
    expect(exchange.orders()).toEqual([]);
    expect(exchange.balances(alice.apiKey)).toEqual({ USDT: { free: '1000', locked: '0' } });
  });

  it('refuses a corrupt file, another format, an unknown version or a bad field with ConfigError', async () => {
    const stateFile = freshFile();
    const { exchange } = open(stateFile, bar0 + 10_000);
    await trade(exchange);
    const good = JSON.parse(readFileSync(stateFile, 'utf8'));
    const cases: [string, RegExp][] = [
      ['{"format": "trd-exchange-mock-venue", "vers', /not valid JSON/],
      [JSON.stringify({ hello: 'world' }), /not a mock venue state file/],
      [JSON.stringify({ ...good, version: 2 }), /has version 2; .* reads version 1 only/],
      [
        JSON.stringify({
          ...good,
          accounts: [{ ...good.accounts[0], balances: { USDT: { free: 1, locked: '0' } } }],
        }),
        /invalid: accounts\.0\.balances\.USDT\.free/,
      ],
      [JSON.stringify({ ...good, nextOrderId: 2 }), /next order or exit id/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(stateFile, text);
      expect(() => open(stateFile, bar0)).toThrow(ConfigError);
      expect(() => open(stateFile, bar0)).toThrow(message);
    }
    writeFileSync(stateFile, JSON.stringify(good));
    expect(() =>
      createMockExchange({
        clock: new VirtualClock(bar0),
        feeds: { ETHUSDT: { kind: 'replay', candles } },
        stateFile,
      }),
    ).toThrow(/still open on BTCUSDT, which this venue does not trade/);
  });

  it('fails a call whose change cannot be saved, loudly, and saves it with the next call that can', async () => {
    const stateFile = freshFile();
    const { exchange } = open(stateFile, bar0 + 10_000);
    const account = exchange.account(alice);
    await account.balances();
    const directory = join(stateFile, '..');
    rmSync(directory, { recursive: true });
    writeFileSync(directory, 'a file where the directory was');
    await expect(
      account.placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.1', clientOrderId: 'unsaved' }),
    ).rejects.toMatchObject({ code: 'ORDER_STATUS_UNKNOWN', clientOrderId: 'unsaved' });
    await expect(account.balances()).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    rmSync(directory);
    mkdirSync(directory);
    expect(await account.findOrder('BTCUSDT', 'unsaved')).toMatchObject({ status: 'filled' });
    const reopened = open(stateFile, bar0 + 20_000);
    expect(await reopened.exchange.account(alice).findOrder('BTCUSDT', 'unsaved')).toMatchObject({
      status: 'filled',
    });
  });

  it('refuses an empty path', () => {
    expect(() =>
      createMockExchange({
        clock: new VirtualClock(bar0),
        feeds: { BTCUSDT: { kind: 'replay', candles } },
        stateFile: '',
      }),
    ).toThrow(/stateFile/);
  });
});
