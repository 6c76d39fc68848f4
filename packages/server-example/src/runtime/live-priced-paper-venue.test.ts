import { type Candle, type MarketData, VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createLivePricedPaperVenue } from './live-priced-paper-venue';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 30);
const bar = (openTime: number, close: number): Candle => ({
  openTime,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

/** A real venue's market data: the candles up to now and a last price, every call counted. */
function recordingMarket(clock: VirtualClock) {
  const calls: string[] = [];
  let price = 100;
  const marketData: MarketData = {
    specificationVersion: 'v1',
    async candles(symbol, { limit }) {
      calls.push(`candles ${symbol} ${limit}`);
      const now = Math.floor(clock.now() / 60_000) * 60_000;
      return Array.from({ length: limit }, (_, i) => bar(now - (limit - 1 - i) * 60_000, price));
    },
    async price(symbol) {
      calls.push(`price ${symbol}`);
      return price;
    },
    async rules(symbol) {
      calls.push(`rules ${symbol}`);
      return {
        symbol,
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        tickSize: '0.01',
        stepSize: '0.00001',
        minQuantity: '0.00001',
        minNotional: '5',
      };
    },
  };
  return { marketData, calls, setPrice: (value: number) => (price = value) };
}

describe('live-priced paper venue', () => {
  it('fills paper orders at the real last price, copying prices once per symbol whatever the users', async () => {
    const clock = new VirtualClock(T0);
    const market = recordingMarket(clock);
    const venue = createLivePricedPaperVenue({
      marketData: market.marketData,
      symbols: ['BTCUSDT'],
      clock,
      startingBalances: { USDT: '1000' },
    });
    const [a, b] = await Promise.all([venue.account('a'), venue.account('b')]);
    market.setPrice(101.5);
    const fills = await Promise.all(
      [a, b].map((account, i) =>
        account!.placeMarketOrder({
          symbol: 'BTCUSDT',
          side: 'buy',
          quantity: '0.1',
          clientOrderId: `e-${i}`,
        }),
      ),
    );
    expect(fills.map((fill) => Number(fill.averagePrice))).toEqual([101.5, 101.5]);
    // Rules once; candles and price once for both users within the refresh time.
    expect(market.calls).toEqual(['rules BTCUSDT', 'candles BTCUSDT 61', 'price BTCUSDT']);
    // Separate accounts: each spent its own paper USDT.
    expect((await a!.balances()).USDT?.free).toBe((await b!.balances()).USDT?.free);
    expect(Number((await a!.balances()).USDT?.free)).toBeLessThan(1000);
  });
});
