import type { Candle, Clock, DecimalString, MarketRules } from '@trd/core';
import type { PriceFeed } from './feeds/price-feed';

/** Replays real 1m candles; by default on their own timestamps (set the clock to them). */
export interface ReplayFeedSpec {
  kind: 'replay';
  candles: readonly Candle[];
  /** Shift the replay so its first candle opens at this Unix ms time. */
  startAt?: number;
}

/** A seeded geometric random walk of 1m bars. */
export interface RandomWalkFeedSpec {
  kind: 'random-walk';
  seed: number;
  startPrice: number;
  /** Standard deviation of one bar's log return (0.001 = 0.1% a minute). */
  volatility: number;
  /** Open time of the first bar, Unix ms; default `warmupBars` minutes before the clock's time at creation. */
  startTime?: number;
  /** Bars available before the clock's start when `startTime` is not given; default 500. */
  warmupBars?: number;
}

/** Any other source of bars. */
export interface CustomFeedSpec {
  kind: 'custom';
  feed: PriceFeed;
}

export type FeedSpec = ReplayFeedSpec | RandomWalkFeedSpec | CustomFeedSpec;

export interface MockExchangeOptions {
  /** Where time comes from; default the system clock. Use a `VirtualClock` in tests and backtests. */
  clock?: Clock;
  /** Venue name for logs and events; default `mock`. */
  name?: string;
  /** One price feed per symbol traded on the venue. */
  feeds: Record<string, FeedSpec>;
  /** Rules per symbol, over Binance-like defaults (BTC pairs: step 0.00001; others: step 0.0001; tick 0.01, min notional 5). */
  markets?: Record<string, Partial<Omit<MarketRules, 'symbol'>>>;
  /** Fee rate of every fill; default `0.001` (0.1%). */
  feeRate?: DecimalString | number;
  /** Market orders fill this many basis points worse than the last price; default 0. */
  slippageBps?: number;
  /** Balances of every new account; default `{ USDT: '10000' }`. */
  startingBalances?: Record<string, DecimalString>;
  /** Orders and exits stay invisible to `findOrder`/`findExit` this long after creation (ms); default 0. */
  orderVisibilityDelayMs?: number;
  /**
   * Like Binance (the default, `true`), a client order id whose order has FILLED is accepted again
   * and creates a second order. `false` answers every reuse with `ConflictError`.
   */
  reuseFilledClientOrderIds?: boolean;
  /**
   * A JSON file that keeps the venue across processes (paper trading that survives a restart):
   * when it exists the venue starts from it — accounts with free and locked balances, every order,
   * exits with their legs and how far they were matched, the next ids, prices set by hand — and
   * after every call that changes anything it is replaced atomically (temporary file + rename).
   * Accounts are stored under a SHA-256 of their API key, never the key. A file that is not a
   * venue state of a known version is a `ConfigError`, never ignored. One process per file.
   * The feeds must give the same bars as in the process that wrote it. Default: memory only.
   */
  stateFile?: string;
}
