import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { type ExchangeCredentials, VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinanceExchange } from '../src/index';
import { type FakeBinance, startFakeBinance } from './fake-binance/index';
import { FIXTURE_TIME, TEST_CREDENTIALS } from './local-binance';

// Fills and balances pushed over real WebSockets (the fake's WebSocket API on loopback), REST
// only when the stream is down or lagging, and a reconcile after every reconnect.

const requireHere = createRequire(import.meta.url);
const WebSocket = createRequire(requireHere.resolve('ccxt'))('ws') as new (
  url: string,
) => {
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  send(data: string): void;
  close(): void;
};

let fake: FakeBinance;
let closeExchange: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeExchange?.();
  await fake?.close();
});

/** Waits, in real time, for something the sockets deliver. */
async function until(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function setup(balances: Record<string, string> = { USDT: '1000' }) {
  const clock = new VirtualClock(FIXTURE_TIME);
  fake = await startFakeBinance({ now: () => clock.now(), accounts: [{ ...TEST_CREDENTIALS, balances }] });
  const exchange = createBinanceExchange({
    baseUrl: fake.url,
    clock,
    retry: { attempts: 2, baseDelayMs: 100 },
    orderLookup: { attempts: 1 },
    userDataStream: { reconnectDelayMs: 1000, maxLagMs: 5000 },
  });
  closeExchange = async () => {
    await exchange.close?.();
  };
  const account = exchange.account(TEST_CREDENTIALS);
  const healthy = () => exchange.userDataStream(TEST_CREDENTIALS)?.healthy === true;
  const count = (method: string, path: string) => fake.server.requests(method, path).length;
  return { clock, exchange, account, healthy, count };
}

const entry = { symbol: 'BTCUSDT', side: 'buy' as const, quantity: '0.0015', clientOrderId: 'trd-ws-entry' };
const exit = {
  symbol: 'BTCUSDT',
  side: 'sell' as const,
  quantity: '0.00149',
  takeProfit: '63072.61',
  stopLoss: '62569.54',
  clientOrderId: 'trd-ws-exit',
};

describe("the fake's WebSocket API user data stream (web-socket-api.md:8172-8348)", () => {
  function signedSubscribe(credentials: ExchangeCredentials, timestamp: number, secret = credentials.secret) {
    const params = { apiKey: credentials.apiKey, timestamp };
    const payload = `apiKey=${params.apiKey}&timestamp=${timestamp}`;
    return { ...params, signature: createHmac('sha256', secret).update(payload).digest('hex') };
  }

  it('subscribes with an HMAC signature over the sorted params, once per account and connection', async () => {
    fake = await startFakeBinance({
      now: () => FIXTURE_TIME,
      accounts: [{ ...TEST_CREDENTIALS, balances: {} }],
    });
    const socket = new WebSocket(`${fake.url.replace('http', 'ws')}/ws-api/v3`);
    const answers: Record<string, unknown>[] = [];
    socket.on('message', (data) => answers.push(JSON.parse(data.toString())));
    await new Promise<void>((resolve) => socket.on('open', resolve));
    const send = (id: string, params: Record<string, unknown>) =>
      socket.send(JSON.stringify({ id, method: 'userDataStream.subscribe.signature', params }));
    send('bad', signedSubscribe(TEST_CREDENTIALS, FIXTURE_TIME, 'wrong-secret'));
    send('unknown', signedSubscribe({ apiKey: 'nobody', secret: 'x' }, FIXTURE_TIME));
    send('late', signedSubscribe(TEST_CREDENTIALS, FIXTURE_TIME - 6000));
    send('good', signedSubscribe(TEST_CREDENTIALS, FIXTURE_TIME));
    send('again', signedSubscribe(TEST_CREDENTIALS, FIXTURE_TIME));
    await until(() => answers.length === 5, 'five answers');
    expect(answers).toEqual([
      { id: 'bad', status: 400, error: { code: -1022, msg: 'Signature for this request is not valid.' } },
      {
        id: 'unknown',
        status: 400,
        error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
      },
      {
        id: 'late',
        status: 400,
        error: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
      },
      { id: 'good', status: 200, result: { subscriptionId: 0 } },
      {
        id: 'again',
        status: 400,
        error: { code: -2035, msg: 'User Data Stream subscription already active.' },
      },
    ]);
    socket.close();
  });
});

describe('fills and balances pushed to the adapter', () => {
  it('answers exitStatus and balances from the events: no order list, order or account polling', async () => {
    const { account, healthy, count, exchange } = await setup();
    const before = await account.balances(); // REST, and the stream subscribes
    expect(before).toEqual({ USDT: { free: '1000', locked: '0' } });
    await until(healthy, 'the subscription');
    await account.balances(); // the snapshot under the subscription
    const filled = await account.placeMarketOrder(entry);
    const placed = await account.placeExit(exit);
    const polled = () =>
      count('GET', '/api/v3/orderList') + count('GET', '/api/v3/order') + count('GET', '/api/v3/account');
    const pollsAfterPlacement = polled();

    expect(await account.exitStatus(placed)).toMatchObject({ state: 'open' });
    fake.setPrice('BTCUSDT', '63080');
    await until(() => fake.venue.orderLists[0]?.listOrderStatus === 'ALL_DONE', 'the fill');
    let report = await account.exitStatus(placed);
    for (let tries = 0; report.state === 'open' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      report = await account.exitStatus(placed);
    }
    expect(report).toMatchObject({
      state: 'filled',
      leg: 'take_profit',
      fill: { status: 'filled', executedQuantity: '0.00149', averagePrice: '63072.61' },
    });
    // The fee of the take profit (a maker sell: 0.1 % of the quote received), from the pushed trade.
    expect(report.fill?.fees).toEqual([{ asset: 'USDT', amount: '0.09397818' }]);
    await until(() => exchange.userDataStream(TEST_CREDENTIALS)?.healthy === true, 'events applied');
    const balances = await account.balances();
    expect(balances.BTC?.locked).toBe('0');
    expect(balances.USDT).toEqual(fake.venue.balance(TEST_CREDENTIALS.apiKey, 'USDT'));
    expect(balances.BTC?.free).toBe(fake.venue.balance(TEST_CREDENTIALS.apiKey, 'BTC').free);
    expect(polled()).toBe(pollsAfterPlacement);
    expect(count('GET', '/api/v3/account')).toBe(2);
    expect(filled.status).toBe('filled');
    // The same report REST gives (what the stream replaced).
    const rest = createBinanceExchange({
      baseUrl: fake.url,
      clock: { now: () => FIXTURE_TIME, sleep: async () => {}, setTimer: () => ({ cancel() {} }) } as never,
    });
    expect(await rest.account(TEST_CREDENTIALS).exitStatus(placed)).toMatchObject({
      state: report.state,
      leg: report.leg,
      fill: {
        averagePrice: report.fill?.averagePrice,
        executedQuantity: report.fill?.executedQuantity,
        fees: report.fill?.fees,
      },
    });
  });

  it('reads over REST while the stream is down, and reconciles over REST after it reconnects', async () => {
    const { account, healthy, count, clock, exchange } = await setup({ USDT: '1000', BTC: '0.01' });
    await account.balances();
    await until(healthy, 'the subscription');
    const placed = await account.placeExit(exit);
    await account.exitStatus(placed);
    expect(count('GET', '/api/v3/orderList')).toBe(0);

    fake.stream.disconnectAll({ refuse: true });
    await until(() => !healthy(), 'the adapter to see the cut');
    expect(exchange.userDataStream(TEST_CREDENTIALS)).toMatchObject({ healthy: false, subscribed: false });
    expect(await account.exitStatus(placed)).toMatchObject({ state: 'open' });
    expect(count('GET', '/api/v3/orderList')).toBe(1);

    fake.stream.accept();
    await clock.advance(1000); // the reconnect delay, on the clock
    await until(healthy, 'the new subscription');
    // The first read after the reconnect is REST (what happened while down is unknown) and seeds the view.
    expect(await account.exitStatus(placed)).toMatchObject({ state: 'open' });
    expect(count('GET', '/api/v3/orderList')).toBe(2);
    expect(await account.exitStatus(placed)).toMatchObject({ state: 'open' });
    expect(count('GET', '/api/v3/orderList')).toBe(2);
    // And the view follows the events from there on.
    fake.setPrice('BTCUSDT', '62500', { gap: false });
    await until(() => fake.venue.orderLists[0]?.listOrderStatus === 'ALL_DONE', 'the stop');
    let report = await account.exitStatus(placed);
    for (let tries = 0; report.state === 'open' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      report = await account.exitStatus(placed);
    }
    expect(report).toMatchObject({ state: 'filled', leg: 'stop_loss' });
    expect(count('GET', '/api/v3/orderList')).toBe(2);
  });

  it('a lagging stream (events older than maxLagMs) hands the reads back to REST', async () => {
    const { account, healthy, count, clock, exchange } = await setup({ USDT: '1000', BTC: '0.01' });
    await account.balances();
    await until(healthy, 'the subscription');
    const placed = await account.placeExit(exit);
    fake.stream.hold();
    fake.setPrice('BTCUSDT', '63080');
    await clock.advance(10_000);
    fake.stream.release();
    await until(() => exchange.userDataStream(TEST_CREDENTIALS)?.lagging === true, 'the late events');
    expect(await account.exitStatus(placed)).toMatchObject({ state: 'filled', leg: 'take_profit' });
    expect(count('GET', '/api/v3/orderList')).toBe(1);
  });

  it('one connection carries many accounts, each with its own subscription', async () => {
    const clock = new VirtualClock(FIXTURE_TIME);
    const users = Array.from({ length: 5 }, (_, index) => ({
      apiKey: `user-${index}-key`,
      secret: `user-${index}-secret`,
      balances: { USDT: '100' },
    }));
    fake = await startFakeBinance({ now: () => clock.now(), accounts: users });
    let connections = 0;
    const exchange = createBinanceExchange({
      baseUrl: fake.url,
      clock,
      userDataStream: {
        webSocket: (url) => {
          connections++;
          const ws = createRequire(requireHere.resolve('ccxt'))('ws');
          return new ws(url);
        },
      },
    });
    closeExchange = async () => {
      await exchange.close?.();
    };
    for (const user of users) await exchange.account(user).balances();
    await until(() => users.every((user) => exchange.userDataStream(user)?.healthy), 'five subscriptions');
    expect(connections).toBe(1);
    expect(fake.stream.subscribedKeys().sort()).toEqual(users.map((user) => user.apiKey).sort());
  });
});
