import { VirtualClock } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_TIME, type LocalBinance, startLocalBinance } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

const tickers = () =>
  local.fake.ledger
    .filter((entry) => entry.path === '/api/v3/ticker/price')
    .map((entry) => ({ status: entry.status, ...entry.params }));

describe('last prices: one ticker read for every symbol in use', () => {
  it('prices every symbol asked for lately in one `symbols` read (weight 4), reused for priceMaxAgeMs', async () => {
    const clock = new VirtualClock(FIXTURE_TIME);
    local = await startLocalBinance({ clock });
    const { marketData } = local.exchange;
    // First use of each symbol: nothing else is watched yet, or the other is still fresh.
    const btc = await marketData.price('BTCUSDT');
    await marketData.price('ETHUSDT');
    expect(tickers()).toEqual([
      { status: 200, symbol: 'BTCUSDT' },
      { status: 200, symbol: 'ETHUSDT' },
    ]);
    await clock.advance(1_500);
    // Both stale: the first miss prices both in one read; the second is then a hit.
    const [again, eth] = await Promise.all([marketData.price('BTCUSDT'), marketData.price('ETHUSDT')]);
    await marketData.price('ETHUSDT');
    expect(tickers().slice(2)).toEqual([{ status: 200, symbols: '["BTCUSDT","ETHUSDT"]' }]);
    expect(again).toBe(btc);
    expect(eth).toBeGreaterThan(0);
    expect(local.fake.server.weightByEndpoint.get('GET /api/v3/ticker/price')).toBe(2 + 2 + 4);
  });

  it('a symbol not asked for in five minutes leaves the batch', async () => {
    const clock = new VirtualClock(FIXTURE_TIME);
    local = await startLocalBinance({ clock });
    const { marketData } = local.exchange;
    await marketData.price('ETHUSDT');
    await clock.advance(5 * 60_000 + 1_000);
    await marketData.price('BTCUSDT');
    expect(tickers().at(-1)).toEqual({ status: 200, symbol: 'BTCUSDT' });
  });

  it('a batch Binance refuses for one bad symbol (-1121) falls back to one read each: the others keep their price', async () => {
    const clock = new VirtualClock(FIXTURE_TIME);
    local = await startLocalBinance({ clock });
    const { marketData } = local.exchange;
    await marketData.price('BTCUSDT');
    await expect(marketData.price('NOPEUSDT')).rejects.toThrow();
    await clock.advance(1_500);
    const [btc, nope] = await Promise.allSettled([marketData.price('BTCUSDT'), marketData.price('NOPEUSDT')]);
    expect(btc).toMatchObject({ status: 'fulfilled' });
    expect(nope).toMatchObject({ status: 'rejected' });
    const afterwards = tickers().slice(2);
    expect(afterwards[0]).toEqual({ status: 400, symbols: '["BTCUSDT","NOPEUSDT"]' });
    expect(afterwards.slice(1)).toEqual(
      expect.arrayContaining([
        { status: 200, symbol: 'BTCUSDT' },
        { status: 400, symbol: 'NOPEUSDT' },
      ]),
    );
    // The refused symbol left the batch: the next stale read does not ask for it again.
    const before = tickers().length;
    await clock.advance(1_500);
    await marketData.price('BTCUSDT');
    expect(tickers().slice(before)).toEqual([{ status: 200, symbol: 'BTCUSDT' }]);
  });
});

describe('the local Binance ticker/price, from rest-api.md:1644-1740', () => {
  it('refuses symbol with symbols (-1128), a malformed list (-1102) and any unknown symbol (-1121)', async () => {
    local = await startLocalBinance();
    const get = async (query: string) => {
      const answer = await fetch(`${local.fake.url}/api/v3/ticker/price?${query}`);
      return { status: answer.status, body: (await answer.json()) as { symbol: string }[] };
    };
    const list = encodeURIComponent('["BTCUSDT","ETHUSDT"]');
    expect(await get(`symbol=BTCUSDT&symbols=${list}`)).toMatchObject({ status: 400, body: { code: -1128 } });
    expect(await get('symbols=BTCUSDT')).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await get(`symbols=${encodeURIComponent('["BTCUSDT","NOPEUSDT"]')}`)).toMatchObject({
      status: 400,
      body: { code: -1121, msg: 'Invalid symbol.' },
    });
    const answer = await get(`symbols=${list}`);
    expect(answer.status).toBe(200);
    expect(answer.body.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });
});
