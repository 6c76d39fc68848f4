import type { Clock } from '@trd/core';
import type { FetchFunction } from './binance-fetch';
import type { OrderLookupOptions } from './binance-trading-account';
import type { RetryOptions } from './read-retry';
import type { RequestWeightOptions } from './request-weight-governor';
import type { WebSocketFactory } from './web-socket';

/** The WebSocket API user data stream (see `userDataStream`). */
export interface UserDataStreamSettings {
  /** Default: Binance's (`wss://ws-api.binance.com:443/ws-api/v3`, testnet `wss://ws-api.testnet.binance.vision/ws-api/v3`), or `baseUrl`'s `/ws-api/v3`. */
  url?: string;
  /** An event older than this marks the stream lagging and REST answers until a fresh one arrives, ms (default 5 000). */
  maxLagMs?: number;
  /** Wait before reconnecting, on the clock, ms (default 1 000). */
  reconnectDelayMs?: number;
  /** Accounts per connection (default 1 000, Binance's limit per session). */
  accountsPerConnection?: number;
  /** Opens WebSockets (default: the global WebSocket, else the `ws` package ccxt depends on). */
  webSocket?: WebSocketFactory;
}

export interface BinanceExchangeOptions {
  /**
   * Binance's spot testnet (testnet.binance.vision) by default. Trading real money needs
   * `testnet: false`, written out.
   */
  testnet?: boolean;
  /** Default credentials for `account()` called without arguments. Read here only, never logged. */
  apiKey?: string;
  secret?: string;
  /**
   * Sends every request (all API groups: api, sapi, fapi…) to this origin instead of Binance's,
   * e.g. `http://127.0.0.1:4567` for a local fake.
   */
  baseUrl?: string;
  /** Time for signed timestamps, backoff and rate-limit waits. Defaults to the system clock. */
  clock?: Clock;
  /** The HTTP client. Defaults to the global `fetch`. */
  fetch?: FetchFunction;
  /**
   * Per-request timeout, ms (default 15 000). Keep it above Binance's 10 s backend timeout
   * (`BINANCE_BACKEND_TIMEOUT_MS`): Binance then answers -1007 ("execution status unknown") itself
   * instead of the request being cut here first.
   */
  requestTimeoutMs?: number;
  /** Binance's `recvWindow` for signed requests, ms (default 5 000, at most 60 000). */
  recvWindowMs?: number;
  /** Retries of reads (never of order placements). Default 3 attempts from 500 ms, doubling. */
  retry?: RetryOptions;
  /** Lookups by client id after a placement whose outcome is unknown. Default 3, 2 s apart. */
  orderLookup?: OrderLookupOptions;
  /** Request weight pacing. Default: limit 6000/min, wait for the next minute past 80 %. */
  requestWeight?: RequestWeightOptions;
  /** Stop leg's limit distance past its trigger when an exit gives no `stopLimit`, percent (default "0.1"). */
  stopLimitOffsetPercent?: string;
  /**
   * The exit's stop leg: `'stop-limit'` (default) sends `STOP_LOSS_LIMIT` at the exit's
   * `stopLimit`; `'stop-market'` sends `STOP_LOSS` (a market order once triggered) on symbols whose
   * `orderTypes` list it, and ignores `stopLimit` — such an exit never reads `triggered`, since a
   * triggered stop-market fills at once (at whatever price the book gives). Symbols without
   * `STOP_LOSS` keep the stop-limit.
   */
  stopLeg?: 'stop-limit' | 'stop-market';
  /** exchangeInfo is loaded again when older than this, ms (default 900 000, 15 minutes), and at once after a filter refusal. */
  rulesMaxAgeMs?: number;
  /**
   * A last price (`GET /api/v3/ticker/price`, weight 2) is reused this long per symbol, ms (default
   * 1 000: the entries of one cycle on a symbol share one read; 0 reads every time). The exit's
   * price check then uses a price up to that old (Binance still refuses a pair the market has
   * passed, -2010, mapped to OrderRejectedError).
   */
  priceMaxAgeMs?: number;
  /** An average price (`GET /api/v3/avgPrice`) is reused this long per symbol, ms (default 10 000). */
  averagePriceMaxAgeMs?: number;
  /**
   * Fills and balances pushed instead of polled: each account subscribes to the WebSocket API user
   * data stream (`userDataStream.subscribe.signature`, HMAC keys) on first use, and `exitStatus` /
   * `balances` answer from its events while it is healthy, over REST when it is down or lagging.
   * Off by default (`false`): it holds connections open until `exchange.close()`.
   */
  userDataStream?: boolean | UserDataStreamSettings;
  /** Sees every request's method and URL (monitoring, tests), the signature of signed requests redacted. */
  onRequest?: (request: { method: string; url: string }) => void;
}
