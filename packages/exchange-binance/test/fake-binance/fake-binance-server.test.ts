import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeBinance, startFakeBinance } from './index';

// Binance's signing example (rest-api.md "SIGNED endpoint examples"), an illustrative key pair.
const DOCS_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const DOCS_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const DOCS_PAYLOAD =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const DOCS_SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';

let fake: FakeBinance;
let now = Date.UTC(2024, 8, 21, 2, 0, 30);
afterEach(() => fake?.close());

async function start(balances: Record<string, string> = { USDT: '1000', BTC: '1', ETH: '1' }) {
  fake = await startFakeBinance({
    now: () => now,
    accounts: [{ apiKey: DOCS_KEY, secret: DOCS_SECRET, balances }],
  });
}

async function send(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = { 'X-MBX-APIKEY': DOCS_KEY },
) {
  const response = await fetch(`${fake.url}${path}${method === 'GET' ? `?${body}` : ''}`, {
    method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: method === 'GET' ? undefined : body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function signed(params: Record<string, string>, secret = DOCS_SECRET): string {
  const query = new URLSearchParams({ ...params, recvWindow: '5000', timestamp: String(now) }).toString();
  return `${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`;
}

describe('the local Binance', () => {
  it("accepts the documentation's signed example and rejects it once tampered with", async () => {
    now = 1499827319559 + 10;
    await start();
    // A valid signature gets past authentication to the symbol check.
    expect(await send('POST', '/api/v3/order', `${DOCS_PAYLOAD}&signature=${DOCS_SIGNATURE}`)).toMatchObject({
      status: 400,
      body: { code: -1121, msg: 'Invalid symbol.' },
    });
    expect(
      await send('POST', '/api/v3/order', `${DOCS_PAYLOAD}&signature=${DOCS_SIGNATURE.replace(/1$/, '2')}`),
    ).toMatchObject({
      status: 400,
      body: { code: -1022, msg: 'Signature for this request is not valid.' },
    });
    now = Date.UTC(2024, 8, 21, 2, 0, 30);
  });

  it('checks the API key, then timestamp against recvWindow (-1021)', async () => {
    await start();
    expect(await send('GET', '/api/v3/account', signed({}), {})).toMatchObject({
      status: 401,
      body: { code: -2014 },
    });
    expect(await send('GET', '/api/v3/account', signed({}), { 'X-MBX-APIKEY': 'unknown' })).toMatchObject({
      status: 401,
      body: { code: -2015 },
    });
    const stale = signed({});
    now += 5001;
    expect(await send('GET', '/api/v3/account', stale)).toMatchObject({
      status: 400,
      body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
    });
    const early = signed({});
    now -= 1000;
    expect(await send('GET', '/api/v3/account', early)).toMatchObject({
      body: { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." },
    });
  });

  it('serves its time on /api/v3/time and can run ahead of a skewed client clock', async () => {
    await start();
    expect(await send('GET', '/api/v3/time', '', {})).toMatchObject({
      status: 200,
      body: { serverTime: now },
    });
    // The client's clock (`now`, which signs) falls 6 s behind the venue's.
    fake.setClockOffset(6000);
    expect((await send('GET', '/api/v3/time', '', {})).body).toEqual({ serverTime: now + 6000 });
    expect(await send('GET', '/api/v3/account', signed({}))).toMatchObject({
      status: 400,
      body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
    });
    fake.setClockOffset(-1000);
    expect((await send('GET', '/api/v3/account', signed({}))).body).toMatchObject({ code: -1021 });
    fake.setClockOffset(0);
    expect(await send('GET', '/api/v3/account', signed({}))).toMatchObject({ status: 200 });
  });

  it("enforces the symbols' filters with Binance's codes and messages", async () => {
    await start();
    const order = (params: Record<string, string>) =>
      send('POST', '/api/v3/order', signed({ side: 'BUY', type: 'MARKET', ...params }));
    expect((await order({ symbol: 'BTCUSDT', quantity: '0.000015' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: LOT_SIZE',
    });
    expect((await order({ symbol: 'BTCUSDT', quantity: '0.0001' })).body).toEqual({
      code: -1013,
      msg: 'Filter failure: MIN_NOTIONAL',
    });
    expect((await order({ symbol: 'BTCUSDT', quantity: '0.000000001' })).body).toEqual({
      code: -1111,
      msg: "Parameter 'quantity' has too much precision.",
    });
    expect((await order({ symbol: 'BTCUSDT', quantity: '1' })).body).toEqual({
      code: -2010,
      msg: 'Account has insufficient balance for requested action.',
    });
    expect((await order({ symbol: 'BTCUSDT' })).body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    });
    const offTick = await send(
      'POST',
      '/api/v3/orderList/oco',
      signed({
        symbol: 'BTCUSDT',
        side: 'SELL',
        quantity: '0.001',
        aboveType: 'LIMIT_MAKER',
        abovePrice: '63000.005',
        belowType: 'STOP_LOSS_LIMIT',
        belowStopPrice: '62000',
        belowPrice: '61900',
        belowTimeInForce: 'GTC',
      }),
    );
    expect(offTick.body).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    const wrongSide = await send(
      'POST',
      '/api/v3/orderList/oco',
      signed({
        symbol: 'BTCUSDT',
        side: 'SELL',
        quantity: '0.001',
        aboveType: 'LIMIT_MAKER',
        abovePrice: '62800',
        belowType: 'STOP_LOSS_LIMIT',
        belowStopPrice: '62000',
        belowPrice: '61900',
        belowTimeInForce: 'GTC',
      }),
    );
    expect(wrongSide.body).toEqual({
      code: -2010,
      msg: 'The relationship of the prices for the orders is not correct.',
    });
  });

  it('serves ETHUSDT with the current NOTIONAL filter', async () => {
    now = Date.UTC(2022, 7, 14, 3, 0, 10);
    await start();
    const small = await send(
      'POST',
      '/api/v3/order',
      signed({ symbol: 'ETHUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' }),
    );
    expect(small.body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    now = Date.UTC(2024, 8, 21, 2, 0, 30);
  });

  it('reports the weight used this minute on every response and resets it the next minute', async () => {
    await start();
    expect((await send('GET', '/api/v3/exchangeInfo', '', {})).headers.get('x-mbx-used-weight-1m')).toBe(
      '20',
    );
    expect(
      (await send('GET', '/api/v3/klines', 'symbol=BTCUSDT&interval=1m&limit=5', {})).headers.get(
        'x-mbx-used-weight-1m',
      ),
    ).toBe('22');
    const failed = await send('GET', '/api/v3/klines', 'symbol=NOPE&interval=1m', {});
    expect(failed).toMatchObject({ status: 400, body: { code: -1121 } });
    expect(failed.headers.get('x-mbx-used-weight-1m')).toBe('24');
    now += 60_000;
    expect(
      (await send('GET', '/api/v3/ticker/price', 'symbol=BTCUSDT', {})).headers.get('x-mbx-used-weight-1m'),
    ).toBe('2');
    now -= 60_000;
  });

  it('serves klines up to the current minute only, in the documented 12-field shape', async () => {
    await start();
    const response = await fetch(`${fake.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2`);
    const rows = (await response.json()) as unknown[][];
    expect(rows).toEqual([
      [
        1726883940000,
        '62842.64000000',
        '62842.65000000',
        '62832.64000000',
        '62836.98000000',
        '13.36747000',
        1726883999999,
        expect.any(String),
        100,
        expect.any(String),
        expect.any(String),
        '0',
      ],
      [
        1726884000000,
        '62836.98000000',
        '62883.95000000',
        '62831.04000000',
        '62883.95000000',
        '12.27002000',
        1726884059999,
        expect.any(String),
        100,
        expect.any(String),
        expect.any(String),
        '0',
      ],
    ]);
  });

  it('rebases the fixture candles to a given time, for tests on the system clock', async () => {
    const wallClock = Date.UTC(2030, 0, 1, 12, 34, 56);
    fake = await startFakeBinance({ now: () => wallClock, rebaseCandlesTo: wallClock });
    const rows = (await (
      await fetch(`${fake.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3`)
    ).json()) as unknown[][];
    expect(rows.map((row) => row[0])).toEqual([
      Date.UTC(2030, 0, 1, 12, 32),
      Date.UTC(2030, 0, 1, 12, 33),
      Date.UTC(2030, 0, 1, 12, 34),
    ]);
    // The real closes of the fixture's last three minutes (2024-09-21 04:57-04:59).
    expect(rows.map((row) => row[4])).toEqual(['62868.00000000', '62861.56000000', '62860.00000000']);
  });

  it("accepts a filled order's client id again, as Binance does", async () => {
    await start();
    const body = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.001',
      newClientOrderId: 'same-id',
    };
    expect((await send('POST', '/api/v3/order', signed(body))).body).toMatchObject({
      status: 'FILLED',
      clientOrderId: 'same-id',
    });
    expect((await send('POST', '/api/v3/order', signed(body))).body).toMatchObject({
      status: 'FILLED',
      clientOrderId: 'same-id',
    });
    expect(fake.venue.orders).toHaveLength(2);
  });
});
