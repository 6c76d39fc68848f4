import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeBinance, startFakeBinance } from './index';

// The local Binance refuses what the documentation says Binance refuses (binance-spot-api-docs
// @ a5e0bc3d; each refusal's doc line is cited where the fake raises it).
const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
// 02:00:30 on the BTCUSDT fixture day: last price 62883.95.
const now = Date.UTC(2024, 8, 21, 2, 0, 30);

let fake: FakeBinance;
afterEach(() => fake?.close());

async function start(options: { weightLimit?: number } = {}) {
  fake = await startFakeBinance({
    now: () => now,
    accounts: [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000', BTC: '10', ETH: '10' } }],
    ...options,
  });
}

function signed(params: Record<string, string>): string {
  const query = new URLSearchParams({ ...params, recvWindow: '5000', timestamp: String(now) }).toString();
  return `${query}&signature=${createHmac('sha256', SECRET).update(query).digest('hex')}`;
}

async function send(method: string, path: string, params: Record<string, string>, sign = true) {
  const body = sign ? signed(params) : new URLSearchParams(params).toString();
  const response = await fetch(`${fake.url}${path}${method === 'GET' ? `?${body}` : ''}`, {
    method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-MBX-APIKEY': KEY },
    body: method === 'GET' ? undefined : body,
  });
  return {
    status: response.status,
    weight: Number(response.headers.get('x-mbx-used-weight-1m')),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const market = (params: Record<string, string> = {}) =>
  send('POST', '/api/v3/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.001',
    ...params,
  });

const SELL_OCO = {
  symbol: 'BTCUSDT',
  side: 'SELL',
  quantity: '0.001',
  aboveType: 'LIMIT_MAKER',
  abovePrice: '63500',
  belowType: 'STOP_LOSS_LIMIT',
  belowStopPrice: '62500',
  belowPrice: '62400',
  belowTimeInForce: 'GTC',
};
const oco = (params: Record<string, string | undefined> = {}) => {
  const merged = Object.fromEntries(
    Object.entries({ ...SELL_OCO, ...params }).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
  return send('POST', '/api/v3/orderList/oco', merged);
};

describe('the strict local Binance refuses', () => {
  it('misspelled or unknown parameters with -1104 (errors.md:93-95)', async () => {
    await start();
    expect((await market({ timeInforce: 'GTC' })).body).toEqual({
      code: -1104,
      msg: "Not all sent parameters were read; read '7' parameter(s) but was sent '8'.",
    });
    expect((await send('GET', '/api/v3/account', { omitZeroBalance: 'true' })).body).toMatchObject({
      code: -1104,
    });
    expect(
      (await send('GET', '/api/v3/ticker/price', { symbol: 'BTCUSDT', sym: 'x' }, false)).body,
    ).toMatchObject({
      code: -1104,
    });
    expect(fake.venue.orders).toEqual([]);
  });

  it('bad enum values: side -1117, type -1116, timeInForce -1115, newOrderRespType -1100', async () => {
    await start();
    expect((await market({ side: 'buy' })).body).toEqual({ code: -1117, msg: 'Invalid side.' });
    expect((await market({ type: 'MARKET_ORDER' })).body).toEqual({ code: -1116, msg: 'Invalid orderType.' });
    expect((await market({ timeInForce: 'GTX' })).body).toEqual({ code: -1115, msg: 'Invalid timeInForce.' });
    expect((await market({ timeInForce: 'GTC' })).body).toEqual({
      code: -1114,
      msg: 'TimeInForce parameter sent when not required.',
    });
    expect((await market({ newOrderRespType: 'FULLER' })).body).toEqual({
      code: -1100,
      msg: "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'.",
    });
    expect((await oco({ aboveType: 'LIMIT' })).body).toEqual({
      code: -1158,
      msg: 'Order type not supported in OCO.',
    });
  });

  it.each([
    ['a dot', 'trd.entry.1'],
    ['a space', 'trd entry'],
    ['37 characters', 'x'.repeat(37)],
    ['a colon', 'trd:1'],
  ])('client order ids with %s (-1100, fix-api.md:394 `^[a-zA-Z0-9-_]{1,36}$`)', async (_label, id) => {
    await start();
    const legal = "legal range is '^[a-zA-Z0-9-_]{1,36}$'.";
    expect((await market({ newClientOrderId: id })).body).toEqual({
      code: -1100,
      msg: `Illegal characters found in parameter 'newClientOrderId'; ${legal}`,
    });
    expect((await oco({ listClientOrderId: id })).body).toMatchObject({ code: -1100 });
    expect(
      (await send('GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: id })).body,
    ).toMatchObject({
      code: -1100,
    });
    expect((await market({ newClientOrderId: 'x'.repeat(36) })).status).toBe(200);
  });

  it('PRICE_FILTER min, max and tick on price and stopPrice (filters.md:37-48)', async () => {
    await start();
    const failure = { code: -1013, msg: 'Filter failure: PRICE_FILTER' };
    expect((await oco({ abovePrice: '63500.005' })).body).toEqual(failure);
    expect((await oco({ abovePrice: '1000000.01' })).body).toEqual(failure);
    expect((await oco({ belowPrice: '0.001' })).body).toEqual(failure);
    expect((await oco({ belowStopPrice: '62500.001' })).body).toEqual(failure);
    expect((await oco()).status).toBe(200);
  });

  it('LOT_SIZE and MARKET_LOT_SIZE (filters.md:111-122, 194-205)', async () => {
    await start();
    const lot = { code: -1013, msg: 'Filter failure: LOT_SIZE' };
    expect((await market({ quantity: '0.000005' })).body).toEqual(lot);
    expect((await market({ quantity: '0.0010005' })).body).toEqual(lot);
    expect((await market({ quantity: '9000.00001' })).body).toEqual(lot);
    // BTCUSDT: LOT_SIZE maxQty 9000, MARKET_LOT_SIZE maxQty 328.37710865.
    expect((await market({ quantity: '329' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: MARKET_LOT_SIZE',
    });
    expect((await oco({ quantity: '329' })).body).not.toMatchObject({
      msg: 'Filter failure: MARKET_LOT_SIZE',
    });
  });

  it('a MARKET order under the minimum notional at the avgPriceMins average, whatever the last price (filters.md:134-145)', async () => {
    await start();
    // 0.00016 BTC is 10.06 USDT at the last price 62883.95: above MIN_NOTIONAL 10.
    fake.setAveragePrice('BTCUSDT', '62000');
    expect((await market({ quantity: '0.00016' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: MIN_NOTIONAL',
    });
    // The other way round: 9.98 USDT at the last price, 10.4 at the average.
    fake.setAveragePrice('BTCUSDT', '65000');
    expect((await market({ quantity: '0.00016' })).status).toBe(200);
    expect((await send('GET', '/api/v3/avgPrice', { symbol: 'BTCUSDT' }, false)).body).toMatchObject({
      mins: 5,
      price: '65000.00000000',
    });
  });

  it('computes the average over the preceding avgPriceMins minutes, volume weighted', async () => {
    await start();
    const answer = await send('GET', '/api/v3/avgPrice', { symbol: 'BTCUSDT' }, false);
    const price = Number(answer.body.price);
    expect(price).toBeGreaterThan(62_700);
    expect(price).toBeLessThan(63_000);
    expect(answer.weight).toBe(2);
  });

  it('PERCENT_PRICE_BY_SIDE: a limit price beyond the multipliers of the average (filters.md:81-96)', async () => {
    await start();
    fake.setAveragePrice('BTCUSDT', '62883.95');
    // askMultiplierUp 5: a sell above 314419.75 is refused.
    expect((await oco({ abovePrice: '400000' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: PERCENT_PRICE_BY_SIDE',
    });
    // askMultiplierDown 0.2: a stop limit under 12576.79.
    expect((await oco({ belowPrice: '12000' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: PERCENT_PRICE_BY_SIDE',
    });
  });

  it('MAX_NUM_ORDERS and MAX_NUM_ALGO_ORDERS count open orders per symbol (filters.md:217-239)', async () => {
    await start();
    fake.updateSymbol('BTCUSDT', (info) => {
      for (const filter of info.filters) {
        if (filter.filterType === 'MAX_NUM_ORDERS') filter.maxNumOrders = 3;
        if (filter.filterType === 'MAX_NUM_ALGO_ORDERS') filter.maxNumAlgoOrders = 1;
      }
    });
    expect((await oco({ listClientOrderId: 'one' })).status).toBe(200);
    // An OCO adds 2 orders (rest-api.md:3240): 2 open + 2 > 3.
    expect((await oco({ listClientOrderId: 'two' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: MAX_NUM_ORDERS',
    });
    fake.updateSymbol('BTCUSDT', (info) => {
      for (const filter of info.filters)
        if (filter.filterType === 'MAX_NUM_ORDERS') filter.maxNumOrders = 200;
    });
    // One of its legs (the stop) is an algo order: 1 open + 1 > 1.
    expect((await oco({ listClientOrderId: 'two' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: MAX_NUM_ALGO_ORDERS',
    });
    expect((await market()).status).toBe(200);
  });

  it('OCO prices on the wrong side of the last price with -2010 (rest-api.md:3233-3239, errors.md:393)', async () => {
    await start();
    const relation = { code: -2010, msg: 'The relationship of the prices for the orders is not correct.' };
    expect((await oco({ abovePrice: '62800' })).body).toEqual(relation);
    expect((await oco({ belowStopPrice: '63000', belowPrice: '62900' })).body).toEqual(relation);
    const buyOco = {
      side: 'BUY',
      aboveType: 'STOP_LOSS_LIMIT',
      aboveStopPrice: '63500',
      abovePrice: '63600',
      aboveTimeInForce: 'GTC',
      belowType: 'TAKE_PROFIT_LIMIT',
      belowStopPrice: '62500',
      belowPrice: '62500',
      belowTimeInForce: 'GTC',
    };
    expect((await oco({ ...buyOco, belowStopPrice: '63000', belowPrice: '63000' })).body).toEqual(relation);
    expect((await oco(buyOco)).status).toBe(200);
  });

  it('legs on the wrong side of an OCO with their own codes (errors.md:200-207, 289-299)', async () => {
    await start();
    expect(
      (
        await oco({
          aboveType: 'STOP_LOSS_LIMIT',
          aboveStopPrice: '63500',
          abovePrice: '63400',
          aboveTimeInForce: 'GTC',
        })
      ).body,
    ).toEqual({ code: -1158, msg: 'Order type not supported in OCO.' });
    expect(
      (
        await oco({
          aboveType: 'STOP_LOSS_LIMIT',
          aboveStopPrice: '63500',
          aboveTimeInForce: 'GTC',
          belowType: 'TAKE_PROFIT_LIMIT',
        })
      ).body,
    ).toEqual({ code: -1197, msg: 'A stop loss order in a sell OCO must be below.' });
    expect((await oco({ side: 'BUY' })).body).toEqual({
      code: -1165,
      msg: 'A limit order in a buy OCO must be below.',
    });
  });

  it('a symbol not TRADING, an order type not in orderTypes, an OCO where ocoAllowed is false (errors.md:376-394)', async () => {
    await start();
    // BTCUSDT's orderTypes have STOP_LOSS_LIMIT but no STOP_LOSS.
    expect(
      (await oco({ belowType: 'STOP_LOSS', belowPrice: undefined, belowTimeInForce: undefined })).body,
    ).toEqual({ code: -2010, msg: 'Stop loss orders are not supported for this symbol.' });
    fake.updateSymbol('BTCUSDT', (info) => {
      info.ocoAllowed = false;
    });
    expect((await oco()).body).toEqual({ code: -2010, msg: 'OCO orders are not supported for this symbol' });
    fake.updateSymbol('BTCUSDT', (info) => {
      info.orderTypes = ['LIMIT', 'LIMIT_MAKER'];
    });
    expect((await market()).body).toEqual({
      code: -2010,
      msg: 'Market orders are not supported for this symbol.',
    });
    fake.updateSymbol('BTCUSDT', (info) => {
      info.status = 'HALT';
    });
    expect((await market()).body).toEqual({ code: -2010, msg: 'Market is closed.' });
    // exchangeInfo serves the change.
    const info = await send('GET', '/api/v3/exchangeInfo', { symbol: 'BTCUSDT' }, false);
    expect((info.body.symbols as { status: string }[])[0]?.status).toBe('HALT');
  });
});

describe('the strict local Binance charges the documented weights', () => {
  it.each([
    ['GET', '/api/v3/exchangeInfo', {}, false, 20],
    ['GET', '/api/v3/klines', { symbol: 'BTCUSDT', interval: '1m' }, false, 2],
    ['GET', '/api/v3/ticker/price', { symbol: 'BTCUSDT' }, false, 2],
    ['GET', '/api/v3/ticker/price', {}, false, 4],
    ['GET', '/api/v3/avgPrice', { symbol: 'BTCUSDT' }, false, 2],
    ['GET', '/api/v3/account', {}, true, 20],
    ['GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' }, true, 20],
    ['GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: '1' }, true, 5],
    ['GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' }, true, 6],
    ['GET', '/api/v3/openOrders', {}, true, 80],
    ['GET', '/api/v3/openOrderList', {}, true, 6],
    ['GET', '/api/v3/orderList', { orderListId: '1' }, true, 4],
    ['GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: '1' }, true, 4],
    ['POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' }, true, 1],
    ['GET', '/api/v3/time', {}, false, 1],
  ] as const)('%s %s %j: %s', async (method, path, params, sign, weight) => {
    await start();
    const answer = await send(method, path, params as Record<string, string>, sign);
    expect(answer.weight).toBe(weight);
    expect(fake.server.totalWeight).toBe(weight);
  });

  it('answers 429 -1003 with Retry-After past the limit (rest-api.md:153-161, errors.md:22-24)', async () => {
    await start({ weightLimit: 40 });
    await send('GET', '/api/v3/exchangeInfo', {}, false);
    await send('GET', '/api/v3/exchangeInfo', {}, false);
    const refused = await send('GET', '/api/v3/exchangeInfo', {}, false);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      code: -1003,
      msg: 'Too much request weight used; current limit is 40 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });

  it('answers -1007 after its backend timeout, having placed the order or not (rest-api.md:102)', async () => {
    await start();
    fake.fault({ path: '/api/v3/order', method: 'POST', kind: 'backend-timeout', delayMs: 50 });
    const lost = await market({ newClientOrderId: 'never-placed' });
    expect(lost).toMatchObject({ status: 503, body: { code: -1007 } });
    expect(fake.venue.orders).toEqual([]);
    fake.fault({ path: '/api/v3/order', method: 'POST', kind: 'backend-timeout', afterProcessing: true });
    expect((await market({ newClientOrderId: 'placed-anyway' })).body).toMatchObject({ code: -1007 });
    expect(fake.venue.orders.map((order) => order.clientOrderId)).toEqual(['placed-anyway']);
  });
});
