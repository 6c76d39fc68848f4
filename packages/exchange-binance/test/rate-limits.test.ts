import { RateLimitedError, type VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalBinance, startLocalBinance } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

const priceRequests = () => local.fake.server.requests('GET', '/api/v3/ticker/price');

/** Lets real I/O (the loopback round trip) happen without moving the virtual clock. */
const io = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('rate limits', () => {
  it('a 429 is RateLimitedError with Retry-After, and nothing is sent until it has passed', async () => {
    local = await startLocalBinance({ exchange: { retry: { attempts: 1 } } });
    const clock = local.clock as VirtualClock;
    local.fake.fault({ path: '/api/v3/ticker/price', kind: 'rate-limit', retryAfterSeconds: 7 });
    const error = await local.exchange.marketData.price('BTCUSDT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
    expect(local.exchange.requestWeight().blockedUntil).toBe(clock.now() + 7000);

    const next = local.exchange.marketData.price('BTCUSDT');
    await clock.advance(6900);
    await io();
    expect(priceRequests()).toHaveLength(1);
    await clock.advance(100);
    expect(await next).toBe(62883.95);
    expect(priceRequests()).toHaveLength(2);
  });

  it('a 418 ban is RateLimitedError too, and a read retry waits it out', async () => {
    local = await startLocalBinance({ exchange: { retry: { attempts: 2, baseDelayMs: 100 } } });
    const clock = local.clock as VirtualClock;
    local.fake.fault({ path: '/api/v3/ticker/price', kind: 'ban', retryAfterSeconds: 120 });
    const started = clock.now();
    const price = local.exchange.marketData.price('BTCUSDT');
    await io();
    await clock.advance(119_000);
    await io();
    expect(priceRequests().map((entry) => entry.status)).toEqual([418]);
    await clock.advance(1000);
    expect(await price).toBe(62905.5); // two minutes on: the close of the 02:02 candle
    expect(clock.now() - started).toBe(120_000);
    expect(priceRequests().map((entry) => entry.status)).toEqual([418, 200]);
  });

  it('slows down before the weight limit: past 80 % of it, requests wait for the next minute', async () => {
    local = await startLocalBinance({
      // Every price() a request (no reuse), so each one spends weight.
      exchange: { requestWeight: { limitPerMinute: 6000, slowDownAtRatio: 0.8 }, priceMaxAgeMs: 0 },
    });
    const clock = local.clock as VirtualClock;
    // Other clients on the IP already spent 4799 this minute: Binance reports it on the next answer.
    local.fake.server.setUsedWeight(4799);
    await local.exchange.marketData.price('BTCUSDT');
    expect(local.exchange.requestWeight().usedWeight).toBe(4801);

    const waiting = local.exchange.marketData.price('BTCUSDT');
    await io();
    expect(priceRequests()).toHaveLength(1);
    const nextMinute = Math.ceil(clock.now() / 60_000) * 60_000;
    await clock.advanceTo(nextMinute - 1);
    await io();
    expect(priceRequests()).toHaveLength(1);
    await clock.advanceTo(nextMinute);
    await waiting;
    expect(priceRequests()).toHaveLength(2);
    expect(priceRequests()[1]?.at).toBe(nextMinute);
    // A new minute: Binance counts from zero again.
    expect(local.exchange.requestWeight()).toMatchObject({ usedWeight: 2, windowStart: nextMinute });
  });

  it('the fake answers 429 (-1003) past the limit when a client ignores the weight', async () => {
    local = await startLocalBinance({
      fake: { weightLimit: 10 },
      exchange: { retry: { attempts: 1 }, requestWeight: { limitPerMinute: 1_000_000 }, priceMaxAgeMs: 0 },
    });
    for (let i = 0; i < 5; i++) await local.exchange.marketData.price('BTCUSDT');
    const error = await local.exchange.marketData.price('BTCUSDT').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(30_000); // the rest of the minute (at 02:00:30)
  });
});
