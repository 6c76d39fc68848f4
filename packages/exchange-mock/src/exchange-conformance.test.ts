import { VirtualClock } from '@trd/core';
import { runExchangeConformance } from '@trd/core/testing';
import { loadReplayCandles } from './feeds/load-replay-candles';
import { createMockExchange } from './mock-exchange';

const btc = loadReplayCandles('btcusdt-1m-2024-09-21');

runExchangeConformance({
  name: 'mock (replay)',
  setup: async () => {
    const clock = new VirtualClock(btc[30]!.openTime + 20_000);
    const exchange = createMockExchange({
      clock,
      feeds: { BTCUSDT: { kind: 'replay', candles: btc } },
      startingBalances: { USDT: '1000' },
    });
    return {
      exchange,
      credentials: { apiKey: 'conformance-key', secret: 'conformance-secret' },
      symbol: 'BTCUSDT',
      clock,
      movePrice: async (price) => exchange.setPrice('BTCUSDT', price),
    };
  },
});

runExchangeConformance({
  name: 'mock (random walk, 5 bps slippage, no movePrice hook)',
  setup: async () => {
    const clock = new VirtualClock(Date.UTC(2025, 0, 6, 9, 0));
    const exchange = createMockExchange({
      clock,
      feeds: { ETHUSDT: { kind: 'random-walk', seed: 7, startPrice: 3000, volatility: 0.002 } },
      slippageBps: 5,
    });
    return { exchange, credentials: { apiKey: 'walker', secret: 'walker-secret' }, symbol: 'ETHUSDT', clock };
  },
});
