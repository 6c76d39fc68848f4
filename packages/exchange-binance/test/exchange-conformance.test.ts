import { VirtualClock } from '@trd/core';
import { runExchangeConformance } from '@trd/core/testing';
import { FIXTURE_TIME, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

// The adapter against the local Binance: real HTTP, real signatures, Binance's filters and codes.
runExchangeConformance({
  name: 'binance (local fake Binance)',
  async setup() {
    const clock = new VirtualClock(FIXTURE_TIME);
    const local = await startLocalBinance({ clock, balances: { USDT: '100', BTC: '0' } });
    return {
      exchange: local.exchange,
      credentials: TEST_CREDENTIALS,
      symbol: 'BTCUSDT',
      clock,
      async movePrice(price: number) {
        local.fake.setPrice('BTCUSDT', price.toFixed(2));
      },
      teardown: () => local.close(),
    };
  },
});

runExchangeConformance({
  name: 'binance (local fake Binance, ETHUSDT with the NOTIONAL filter)',
  async setup() {
    const clock = new VirtualClock(Date.UTC(2022, 7, 14, 3, 0, 10));
    const local = await startLocalBinance({ clock, balances: { USDT: '100', ETH: '0' } });
    return {
      exchange: local.exchange,
      credentials: TEST_CREDENTIALS,
      symbol: 'ETHUSDT',
      clock,
      async movePrice(price: number) {
        local.fake.setPrice('ETHUSDT', price.toFixed(2));
      },
      teardown: () => local.close(),
    };
  },
});

// The same contract with fills and balances pushed over the WebSocket API user data stream: moving
// the price waits until the adapter has received every event the fake pushed.
runExchangeConformance({
  name: 'binance (local fake Binance, user data stream)',
  async setup() {
    const clock = new VirtualClock(FIXTURE_TIME);
    const local = await startLocalBinance({
      clock,
      balances: { USDT: '100', BTC: '0' },
      exchange: { userDataStream: true },
    });
    const delivered = async () => {
      const started = Date.now();
      while (
        (local.exchange.userDataStream(TEST_CREDENTIALS)?.eventsReceived ?? 0) <
          local.fake.stream.sentEvents(TEST_CREDENTIALS.apiKey) &&
        Date.now() - started < 2000
      )
        await new Promise((resolve) => setTimeout(resolve, 2));
    };
    return {
      exchange: local.exchange,
      credentials: TEST_CREDENTIALS,
      symbol: 'BTCUSDT',
      clock,
      async movePrice(price: number) {
        local.fake.setPrice('BTCUSDT', price.toFixed(2));
        await delivered();
      },
      async teardown() {
        await local.exchange.close?.();
        await local.close();
      },
    };
  },
});
