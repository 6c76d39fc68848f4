import { type Clock, type ExchangeCredentials, VirtualClock } from '@trd/core';
import { type BinanceExchange, type BinanceExchangeOptions, createBinanceExchange } from '../src/index';
import { type FakeBinance, type StartFakeBinanceOptions, startFakeBinance } from './fake-binance/index';

/** The documentation's illustrative key pair (rest-api.md signing example): never a real account. */
export const TEST_CREDENTIALS: ExchangeCredentials = {
  apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
};

/** 2024-09-21 02:00:30 UTC: inside the BTCUSDT fixture day, 120 candles in. */
export const FIXTURE_TIME = Date.UTC(2024, 8, 21, 2, 0, 30);

export interface LocalBinance {
  fake: FakeBinance;
  exchange: BinanceExchange;
  clock: Clock;
  /** Every URL the adapter requested, in order. */
  requestedUrls: string[];
  close(): Promise<void>;
}

export async function startLocalBinance(
  options: {
    clock?: Clock;
    balances?: Record<string, string>;
    fake?: StartFakeBinanceOptions;
    exchange?: Partial<BinanceExchangeOptions>;
  } = {},
): Promise<LocalBinance> {
  const clock = options.clock ?? new VirtualClock(FIXTURE_TIME);
  const fake = await startFakeBinance({
    now: () => clock.now(),
    accounts: [{ ...TEST_CREDENTIALS, balances: options.balances ?? { USDT: '1000', BTC: '0', ETH: '0' } }],
    ...options.fake,
  });
  const requestedUrls: string[] = [];
  const exchange = createBinanceExchange({
    baseUrl: fake.url,
    clock,
    retry: { attempts: 3, baseDelayMs: 100 },
    orderLookup: { attempts: 1 },
    onRequest: ({ url }) => requestedUrls.push(url),
    ...options.exchange,
  });
  return { fake, exchange, clock, requestedUrls, close: () => fake.close() };
}

/**
 * Awaits `promise` while moving a virtual clock forward in steps, for code that sleeps on the
 * clock between real HTTP round trips (backoff, Retry-After, weight pauses).
 */
export async function settleWithClock<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  stepMs = 100,
  maxSteps = 2000,
): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => {});
  for (let step = 0; step < maxSteps && !done; step++) {
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return tracked;
}
