import { inspect } from 'node:util';
import {
  AuthenticationError,
  ClockSkewError,
  ConfigError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  OrderRejectedError,
  RateLimitedError,
  TrdError,
  VirtualClock,
} from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mapBinanceFailure } from '../src/index';
import {
  FIXTURE_TIME,
  type LocalBinance,
  settleWithClock,
  startLocalBinance,
  TEST_CREDENTIALS,
} from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

/** Everything an error exposes: message, string form, inspection, its cause chain. */
function everythingIn(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(String(current), inspect(current, { depth: 5 }), JSON.stringify(current) ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe("Binance's answers become core's typed errors", () => {
  it('a -2010 from the server (the market moved past the take profit meanwhile) is OrderRejectedError with the venue code', async () => {
    // The price drops between the adapter's check of the last price and the OCO reaching Binance.
    local = await startLocalBinance({
      balances: { BTC: '0.01' },
      exchange: {
        fetch: async (url, init) => {
          const response = await fetch(url, init);
          if (url.includes('/api/v3/ticker/price')) local.fake.setPrice('BTCUSDT', '62790');
          return response;
        },
      },
    });
    const error = await local.exchange
      .account(TEST_CREDENTIALS)
      .placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: '0.001',
        takeProfit: '62950',
        stopLoss: '62800',
        clientOrderId: 'trd-late',
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderRejectedError);
    expect(error).toMatchObject({ venueCode: -2010, isRetryable: false });
    expect((error as Error).message).toContain(
      'The relationship of the prices for the orders is not correct.',
    );
    expect(local.fake.server.requests('POST', '/api/v3/orderList/oco')).toMatchObject([{ status: 400 }]);
    // A refusal is not an unknown outcome: nothing was looked up afterwards.
    expect(local.fake.server.requests('GET', '/api/v3/orderList')).toEqual([]);
  });

  it('insufficient balance (-2010) is InsufficientFundsError', async () => {
    local = await startLocalBinance({ balances: { USDT: '20' } });
    await expect(
      local.exchange
        .account(TEST_CREDENTIALS)
        .placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.001', clientOrderId: 'trd-poor' }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
  });

  it('a clock skew the resync cannot correct is ClockSkewError (-1021): one resend after the resync, no backoff retries', async () => {
    const venueClock = new VirtualClock(FIXTURE_TIME + 6000);
    local = await startLocalBinance({
      clock: new VirtualClock(FIXTURE_TIME),
      fake: { now: () => venueClock.now() },
      exchange: {
        // A /time answer that does not help (say, a caching proxy): the offset stays wrong.
        fetch: async (url, init) =>
          url.includes('/api/v3/time') ? Response.json({ serverTime: FIXTURE_TIME }) : fetch(url, init),
      },
    });
    await expect(local.exchange.account(TEST_CREDENTIALS).balances()).rejects.toBeInstanceOf(ClockSkewError);
    expect(local.fake.server.requests('GET', '/api/v3/account').map((entry) => entry.status)).toEqual([
      400, 400,
    ]);
    expect(local.exchange.serverTimeOffsetMs()).toBe(0);
  });

  it('a failed signed request never shows the secret, the API key or the signature', async () => {
    local = await startLocalBinance();
    const wrong = { apiKey: TEST_CREDENTIALS.apiKey, secret: 'not-the-secret-b7a1f0c2d9e84f3a' };
    const errors = [
      await local.exchange
        .account(wrong)
        .balances()
        .catch((caught: unknown) => caught),
      await local.exchange
        .account(wrong)
        .placeMarketOrder({ symbol: 'BTCUSDT', side: 'buy', quantity: '0.001', clientOrderId: 'trd-auth' })
        .catch((caught: unknown) => caught),
    ];
    const signatures = local.fake.ledger.map((entry) => entry.params.signature).filter(Boolean);
    expect(signatures.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthenticationError);
      const exposed = everythingIn(error);
      expect(exposed).toContain('Signature for this request is not valid.');
      for (const secret of [wrong.secret, TEST_CREDENTIALS.secret, wrong.apiKey, ...signatures])
        expect(exposed).not.toContain(secret);
    }
  });

  it('the account object does not expose its credentials', async () => {
    local = await startLocalBinance();
    const account = local.exchange.account(TEST_CREDENTIALS);
    const shown = `${inspect(account, { depth: 10, showHidden: true })}${JSON.stringify(account)}`;
    expect(shown).not.toContain(TEST_CREDENTIALS.secret);
    expect(shown).not.toContain(TEST_CREDENTIALS.apiKey);
    expect(account.capabilities).toEqual({ sellEntryNeedsInventory: true, ocoExits: true });
  });

  it('reads are retried with backoff on the clock after a 5xx', async () => {
    local = await startLocalBinance();
    local.fake.fault({ path: '/api/v3/ticker/price', kind: 'server-error', times: 2 });
    const clock = local.clock as VirtualClock;
    const started = clock.now();
    const price = await settleWithClock(clock, local.exchange.marketData.price('BTCUSDT'), 50);
    expect(price).toBe(62883.95);
    expect(local.fake.server.requests('GET', '/api/v3/ticker/price').map((entry) => entry.status)).toEqual([
      503, 503, 200,
    ]);
    // 100 ms then 200 ms of backoff (retry: baseDelayMs 100).
    expect(clock.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a read still failing after its attempts is ExchangeUnavailableError', async () => {
    local = await startLocalBinance({ exchange: { retry: { attempts: 2, baseDelayMs: 100 } } });
    local.fake.fault({ path: '/api/v3/klines', kind: 'server-error', times: 5 });
    const error = await settleWithClock(
      local.clock as VirtualClock,
      local.exchange.marketData
        .candles('BTCUSDT', { interval: '1m', limit: 5 })
        .catch((caught: unknown) => caught),
    );
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(local.fake.server.requests('GET', '/api/v3/klines')).toHaveLength(2);
  });

  it('a zero last price is ExchangeUnavailableError (a venue fault), not ConfigError', async () => {
    local = await startLocalBinance();
    local.fake.setPrice('BTCUSDT', '0');
    const error = await local.exchange.marketData.price('BTCUSDT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('binance GET /api/v3/ticker/price: no price for BTCUSDT');
    expect(local.fake.server.requests('GET', '/api/v3/ticker/price')).toMatchObject([{ status: 200 }]);
  });

  it('a ticker answer without a price is ExchangeUnavailableError', async () => {
    local = await startLocalBinance({
      exchange: {
        fetch: async (url, init) =>
          url.includes('/api/v3/ticker/price') ? Response.json({ symbol: 'BTCUSDT' }) : fetch(url, init),
      },
    });
    const error = await local.exchange.marketData.price('BTCUSDT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(TrdError.isInstance(error) && error.code).toBe('EXCHANGE_UNAVAILABLE');
  });

  it('a venue that cannot be reached is ExchangeUnavailableError', async () => {
    local = await startLocalBinance({ exchange: { retry: { attempts: 1 } } });
    await local.fake.close();
    await expect(local.exchange.marketData.price('BTCUSDT')).rejects.toBeInstanceOf(ExchangeUnavailableError);
  });
});

describe('mapBinanceFailure', () => {
  const failure = { method: 'POST', path: '/api/v3/order' };
  it.each([
    [
      { status: 429, code: -1003, msg: 'Too much request weight used', retryAfterSeconds: 7 },
      RateLimitedError,
      'RATE_LIMITED',
    ],
    [
      { status: 418, code: -1003, msg: 'IP banned', retryAfterSeconds: 120 },
      RateLimitedError,
      'RATE_LIMITED',
    ],
    [
      { status: 503, code: -1008, msg: 'Server is currently overloaded' },
      ExchangeUnavailableError,
      'EXCHANGE_UNAVAILABLE',
    ],
    [
      { status: 408, code: -1007, msg: 'Timeout waiting for response from backend server.' },
      ExchangeUnavailableError,
      'EXCHANGE_UNAVAILABLE',
    ],
    [
      { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
      ClockSkewError,
      'CLOCK_SKEW',
    ],
    [
      { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
      AuthenticationError,
      'AUTHENTICATION',
    ],
    [{ status: 400, code: -1013, msg: 'Filter failure: NOTIONAL' }, OrderRejectedError, 'ORDER_REJECTED'],
    [{ status: 400, code: -2010, msg: 'Market is closed.' }, OrderRejectedError, 'ORDER_REJECTED'],
    [
      { status: 400, code: -2010, msg: 'Account has insufficient balance for requested action.' },
      InsufficientFundsError,
      'INSUFFICIENT_FUNDS',
    ],
    [{ status: 400, code: -2013, msg: 'Order does not exist.' }, TrdError, 'ORDER_NOT_FOUND'],
    [{ status: 400, code: -2011, msg: 'Order list does not exist.' }, TrdError, 'ORDER_NOT_FOUND'],
    [{ status: 502 }, ExchangeUnavailableError, 'EXCHANGE_UNAVAILABLE'],
  ])('%o', (answer, type, code) => {
    const error = mapBinanceFailure({ ...failure, ...answer });
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    if ('code' in answer && code === 'ORDER_REJECTED')
      expect((error as OrderRejectedError).venueCode).toBe(answer.code);
  });

  it('keeps Retry-After in milliseconds', () => {
    const error = mapBinanceFailure({
      ...failure,
      status: 429,
      code: -1003,
      retryAfterSeconds: 7,
    }) as RateLimitedError;
    expect(error.retryAfterMs).toBe(7000);
  });
});
