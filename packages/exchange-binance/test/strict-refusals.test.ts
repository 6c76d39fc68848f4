import { InvalidOrderError, OrderRejectedError, VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mapBinanceFailure } from '../src/index';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// Every refusal of the strict local Binance (test/fake-binance/strict-fake.test.ts): the adapter
// either never sends such a request (it checks first, InvalidOrderError) or maps Binance's answer
// to the right core error, and then loads exchangeInfo again.

let local: LocalBinance;
afterEach(() => local?.close());

const placements = () => [
  ...local.fake.server.requests('POST', '/api/v3/order'),
  ...local.fake.server.requests('POST', '/api/v3/orderList/oco'),
];
const sellExit = {
  symbol: 'BTCUSDT',
  side: 'sell' as const,
  quantity: '0.00149',
  takeProfit: '63072.61',
  stopLoss: '62569.54',
  clientOrderId: 'trd-exit',
};
const entry = { symbol: 'BTCUSDT', side: 'buy' as const, quantity: '0.0015', clientOrderId: 'trd-entry' };
const caught = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

describe('refusals the adapter never sends: checked first', () => {
  it.each([
    ['a client id with a dot (fix-api.md:394)', { clientOrderId: 'trd.entry.1' }, /client order id/],
    [
      'a quantity over MARKET_LOT_SIZE (328.37710865)',
      { quantity: '329' },
      /MARKET_LOT_SIZE: quantity 329 is above/,
    ],
    ['a quantity under LOT_SIZE', { quantity: '0.000005' }, /LOT_SIZE/],
  ])('an entry with %s', async (_label, change, message) => {
    local = await startLocalBinance({ balances: { USDT: '100000000' } });
    const error = await caught(
      local.exchange.account(TEST_CREDENTIALS).placeMarketOrder({ ...entry, ...change }),
    );
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(message);
    expect(placements()).toEqual([]);
  });

  it("a MARKET entry's notional is judged at Binance's average price, not the last price (filters.md:139-142)", async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    // 0.00016 BTC: 10.06 USDT at the last price 62883.95, 9.92 at an average of 62000.
    local.fake.setAveragePrice('BTCUSDT', '62000');
    const error = await caught(account.placeMarketOrder({ ...entry, quantity: '0.00016' }));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(/MIN_NOTIONAL: order value 9.92 USDT/);
    expect(placements()).toEqual([]);
    expect(local.fake.server.requests('GET', '/api/v3/avgPrice')).toHaveLength(1);
  });

  it('the average price is read once per symbol for averagePriceMaxAgeMs', async () => {
    const clock = new VirtualClock(Date.UTC(2024, 8, 21, 2, 0, 30));
    local = await startLocalBinance({ clock, exchange: { averagePriceMaxAgeMs: 10_000 } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    await account.placeMarketOrder({ ...entry, clientOrderId: 'one' });
    await account.placeMarketOrder({ ...entry, clientOrderId: 'two' });
    expect(local.fake.server.requests('GET', '/api/v3/avgPrice')).toHaveLength(1);
    await clock.advance(10_000);
    await account.placeMarketOrder({ ...entry, clientOrderId: 'three' });
    expect(local.fake.server.requests('GET', '/api/v3/avgPrice')).toHaveLength(2);
  });

  it.each([
    [
      'a take profit over PERCENT_PRICE_BY_SIDE (5 × the average)',
      { takeProfit: '400000.00' },
      /PERCENT_PRICE_BY_SIDE: take profit 400000/,
    ],
    [
      'a stop limit under PERCENT_PRICE_BY_SIDE (0.2 × the average)',
      { stopLimit: '12000.00' },
      /PERCENT_PRICE_BY_SIDE: stop limit 12000/,
    ],
    [
      'a take profit over PRICE_FILTER maxPrice',
      { takeProfit: '1000000.01' },
      /PRICE_FILTER: take profit 1000000.01 is above the maximum price 1000000/,
    ],
  ])('an exit with %s', async (_label, change, message) => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    const error = await caught(
      local.exchange.account(TEST_CREDENTIALS).placeExit({ ...sellExit, ...change }),
    );
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(message);
    expect(placements()).toEqual([]);
  });

  it.each([
    [
      'not TRADING',
      (info: { status?: string }) => Object.assign(info, { status: 'HALT' }),
      /STATUS: the symbol is HALT/,
    ],
    [
      'without MARKET in its orderTypes',
      (info: { orderTypes?: string[] }) =>
        Object.assign(info, { orderTypes: ['LIMIT', 'LIMIT_MAKER', 'STOP_LOSS_LIMIT'] }),
      /ORDER_TYPES: the symbol does not take MARKET orders/,
    ],
  ])('an entry on a symbol %s', async (_label, change, message) => {
    local = await startLocalBinance();
    local.fake.updateSymbol('BTCUSDT', change as never);
    const error = await caught(local.exchange.account(TEST_CREDENTIALS).placeMarketOrder(entry));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(message);
    expect(placements()).toEqual([]);
  });

  it('an exit on a symbol whose ocoAllowed is false, or without STOP_LOSS_LIMIT', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    local.fake.updateSymbol('BTCUSDT', (info) => {
      info.ocoAllowed = false;
      info.orderTypes = ['LIMIT', 'LIMIT_MAKER', 'MARKET'];
    });
    const error = await caught(local.exchange.account(TEST_CREDENTIALS).placeExit(sellExit));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(/OCO: the symbol does not allow OCO orders/);
    expect((error as Error).message).toMatch(/ORDER_TYPES: the symbol does not take STOP_LOSS_LIMIT orders/);
    expect(placements()).toEqual([]);
  });

  it('never sends a parameter Binance does not read, nor a bad enum: a whole lifecycle has no 4xx', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const filled = await account.placeMarketOrder(entry);
    const exit = await account.placeExit({ ...sellExit, quantity: '0.00149' });
    await account.exitStatus(exit);
    await account.findOrder('BTCUSDT', filled.clientOrderId);
    await account.findExit('BTCUSDT', exit.clientOrderId);
    await account.cancelExit(exit);
    await account.balances();
    await local.exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5 });
    // The one 4xx: the lookup of the entry's client id before it is sent (-2013, not known yet).
    expect(
      local.fake.ledger
        .filter((request) => request.status >= 400)
        .map((request) => `${request.method} ${request.path} ${request.params.origClientOrderId}`),
    ).toEqual(['GET /api/v3/order trd-entry']);
  });
});

describe("refusals on rules newer than the adapter's: mapped, and exchangeInfo loaded again at once", () => {
  const exchangeInfoLoads = () => local.fake.server.requests('GET', '/api/v3/exchangeInfo').length;

  it('a symbol halted since exchangeInfo was loaded: -2010 "Market is closed." is an OrderRejectedError', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    await local.exchange.marketData.rules('BTCUSDT');
    local.fake.updateSymbol('BTCUSDT', (info) => {
      info.status = 'BREAK';
    });
    const error = await caught(account.placeMarketOrder(entry));
    expect(error).toBeInstanceOf(OrderRejectedError);
    expect(error).toMatchObject({ venueCode: -2010, message: expect.stringMatching(/Market is closed\./) });
    // Reloaded at once: the next entry is caught before it leaves.
    await expect(account.placeMarketOrder({ ...entry, clientOrderId: 'again' })).rejects.toThrow(
      /STATUS: the symbol is BREAK/,
    );
    expect(exchangeInfoLoads()).toBe(2);
    expect(placements()).toHaveLength(1);
  });

  it('a filter tightened since: -1013 "Filter failure: LOT_SIZE" is an OrderRejectedError, then the new step is used', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    await local.exchange.marketData.rules('BTCUSDT');
    local.fake.updateSymbol('BTCUSDT', (info) => {
      for (const filter of info.filters)
        if (filter.filterType === 'LOT_SIZE')
          Object.assign(filter, { minQty: '0.00100000', stepSize: '0.00100000' });
    });
    const error = await caught(account.placeMarketOrder(entry));
    expect(error).toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: -1013,
      message: expect.stringMatching(/Filter failure: LOT_SIZE/),
    });
    await expect(local.exchange.marketData.rules('BTCUSDT')).resolves.toMatchObject({ stepSize: '0.001' });
    expect(exchangeInfoLoads()).toBe(2);
  });

  it('MAX_NUM_ALGO_ORDERS and MAX_NUM_ORDERS (open orders the adapter does not count) are OrderRejectedErrors', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' } });
    local.fake.updateSymbol('BTCUSDT', (info) => {
      for (const filter of info.filters)
        if (filter.filterType === 'MAX_NUM_ALGO_ORDERS') filter.maxNumAlgoOrders = 1;
    });
    const account = local.exchange.account(TEST_CREDENTIALS);
    await account.placeExit({ ...sellExit, quantity: '0.001', clientOrderId: 'first' });
    const error = await caught(
      account.placeExit({ ...sellExit, quantity: '0.001', clientOrderId: 'second' }),
    );
    expect(error).toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: -1013,
      message: expect.stringMatching(/Filter failure: MAX_NUM_ALGO_ORDERS/),
    });
  });

  it('an OCO whose prices the market passed between the ticker read and the placement: -2010 relation refusal', async () => {
    let fake: LocalBinance['fake'] | undefined;
    local = await startLocalBinance({
      balances: { BTC: '0.01' },
      exchange: {
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          // The market jumps over the take profit right after the adapter read the last price.
          if (url.includes('/ticker/price')) fake?.setPrice('BTCUSDT', '63100');
          return response;
        },
      },
    });
    fake = local.fake;
    const error = await caught(local.exchange.account(TEST_CREDENTIALS).placeExit(sellExit));
    expect(error).toBeInstanceOf(OrderRejectedError);
    expect(error).toMatchObject({
      venueCode: -2010,
      message: expect.stringMatching(/The relationship of the prices for the orders is not correct\./),
    });
  });

  it.each([
    [-1104, "Not all sent parameters were read; read '7' parameter(s) but was sent '8'."],
    [
      -1100,
      "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.",
    ],
    [-1117, 'Invalid side.'],
    [-1116, 'Invalid orderType.'],
    [-1158, 'Order type not supported in OCO.'],
    [-1197, 'A stop loss order in a sell OCO must be below.'],
    [-2010, 'OCO orders are not supported for this symbol'],
    [-2010, 'Stop loss orders are not supported for this symbol.'],
    [-1013, 'Filter failure: PERCENT_PRICE_BY_SIDE'],
    [-1013, 'Filter failure: MAX_NUM_ORDERS'],
  ])('%s %j maps to OrderRejectedError with the venue code', (code, msg) => {
    const error = mapBinanceFailure({ method: 'POST', path: '/api/v3/order', status: 400, code, msg });
    expect(error).toBeInstanceOf(OrderRejectedError);
    expect(error).toMatchObject({ venueCode: code, isRetryable: false });
  });
});

describe('rules kept fresh', () => {
  it('exchangeInfo is loaded again once older than rulesMaxAgeMs, and a failed reload keeps the old rules', async () => {
    const clock = new VirtualClock(Date.UTC(2024, 8, 21, 2, 0, 30));
    local = await startLocalBinance({ clock, exchange: { rulesMaxAgeMs: 60_000, retry: { attempts: 1 } } });
    const loads = () => local.fake.server.requests('GET', '/api/v3/exchangeInfo').length;
    await local.exchange.marketData.rules('BTCUSDT');
    await clock.advance(59_999);
    await local.exchange.marketData.rules('BTCUSDT');
    expect(loads()).toBe(1);
    local.fake.updateSymbol('BTCUSDT', (info) => {
      for (const filter of info.filters)
        if (filter.filterType === 'PRICE_FILTER') filter.tickSize = '0.10000000';
    });
    await clock.advance(1);
    await expect(local.exchange.marketData.rules('BTCUSDT')).resolves.toMatchObject({ tickSize: '0.1' });
    expect(loads()).toBe(2);
    local.fake.fault({ path: '/api/v3/exchangeInfo', kind: 'server-error' });
    await clock.advance(60_000);
    await expect(local.exchange.marketData.rules('BTCUSDT')).resolves.toMatchObject({ tickSize: '0.1' });
    expect(loads()).toBe(3);
  });
});

describe('prices reused per symbol (priceMaxAgeMs)', () => {
  it('reads ticker/price once per symbol for priceMaxAgeMs (default 1 000), every time with 0', async () => {
    const clock = new VirtualClock(Date.UTC(2024, 8, 21, 2, 0, 30));
    local = await startLocalBinance({ clock });
    const tickers = () => local.fake.server.requests('GET', '/api/v3/ticker/price').length;
    await local.exchange.marketData.price('BTCUSDT');
    await local.exchange.marketData.price('BTCUSDT');
    expect(tickers()).toBe(1);
    await clock.advance(1000);
    local.fake.setPrice('BTCUSDT', '63000');
    await expect(local.exchange.marketData.price('BTCUSDT')).resolves.toBe(63000);
    expect(tickers()).toBe(2);
    await local.close();
    local = await startLocalBinance({ clock, exchange: { priceMaxAgeMs: 0 } });
    await local.exchange.marketData.price('BTCUSDT');
    await local.exchange.marketData.price('BTCUSDT');
    expect(tickers()).toBe(2);
  });
});

describe('the stop leg as a stop-market (stopLeg: "stop-market")', () => {
  const ethTime = Date.UTC(2022, 7, 14, 3, 0, 10);

  it('sends STOP_LOSS where orderTypes has it, ignoring stopLimit: a gap through the stop fills, never "triggered"', async () => {
    local = await startLocalBinance({
      clock: new VirtualClock(ethTime),
      balances: { ETH: '1' },
      exchange: { stopLeg: 'stop-market' },
    });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const last = await local.exchange.marketData.price('ETHUSDT');
    const exit = await account.placeExit({
      symbol: 'ETHUSDT',
      side: 'sell',
      quantity: '0.01',
      takeProfit: (Math.round(last * 1.01 * 100) / 100).toFixed(2),
      stopLoss: (Math.round(last * 0.99 * 100) / 100).toFixed(2),
      stopLimit: (Math.round(last * 0.98 * 100) / 100).toFixed(2),
      clientOrderId: 'eth-stop-market',
    });
    const [oco] = local.fake.server.requests('POST', '/api/v3/orderList/oco');
    expect(oco?.params).toMatchObject({ belowType: 'STOP_LOSS', belowStopPrice: expect.any(String) });
    expect(oco?.params).not.toHaveProperty('belowPrice');
    expect(oco?.params).not.toHaveProperty('belowTimeInForce');
    local.fake.setPrice('ETHUSDT', (last * 0.9).toFixed(2), { gap: true });
    expect(await account.exitStatus(exit)).toMatchObject({ state: 'filled', leg: 'stop_loss' });
  });

  it('keeps STOP_LOSS_LIMIT where the symbol has no STOP_LOSS (BTCUSDT)', async () => {
    local = await startLocalBinance({ balances: { BTC: '0.01' }, exchange: { stopLeg: 'stop-market' } });
    await local.exchange.account(TEST_CREDENTIALS).placeExit(sellExit);
    const [oco] = local.fake.server.requests('POST', '/api/v3/orderList/oco');
    expect(oco?.params).toMatchObject({ belowType: 'STOP_LOSS_LIMIT', belowTimeInForce: 'GTC' });
  });
});

describe('weights', () => {
  it("the adapter counts what the fake charges, by the docs' conditions (myTrades with orderId: 5)", async () => {
    local = await startLocalBinance({ balances: { USDT: '1000' } });
    const account = local.exchange.account(TEST_CREDENTIALS);
    const filled = await account.placeMarketOrder(entry);
    await account.findOrder('BTCUSDT', filled.clientOrderId);
    const myTrades = local.fake.server.requests('GET', '/api/v3/myTrades');
    expect(myTrades.map((request) => request.params.orderId)).toEqual([filled.orderId]);
    expect(local.fake.server.weightByEndpoint.get('GET /api/v3/myTrades')).toBe(5);
    expect(local.exchange.requestWeight().usedWeight).toBe(local.fake.server.totalWeight);
  });
});
