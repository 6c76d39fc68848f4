import {
  ConfigError,
  type Exchange,
  type ExchangeCredentials,
  ExchangeUnavailableError,
  systemClock,
  type TradingAccount,
} from '@trd/core';
import { toTrdError } from './binance-errors';
import type { BinanceExchangeOptions } from './binance-exchange-options';
import { createBinanceFetch } from './binance-fetch';
import { type BinanceMarketData, createBinanceMarketData } from './binance-market-data';
import { createBinanceTradingAccount } from './binance-trading-account';
import { type CcxtBinance, createAccountClient, createCcxtClient } from './ccxt-client';
import { type BinanceKeyPermissions, readKeyPermissions } from './key-permissions';
import { RequestWeightGovernor, type RequestWeightSnapshot } from './request-weight-governor';
import { ServerClock } from './server-clock';
import { UserDataStreamHub } from './user-data-stream';
import { defaultWebSocketFactory } from './web-socket';

/**
 * Binance's own limit on a request: "APIs have a timeout of 10 seconds when processing a request.
 * If a response from the Matching Engine takes longer than this, the API responds with 'Timeout
 * waiting for response from backend server. Send status unknown; execution status unknown.'
 * (-1007 TIMEOUT)" (rest-api.md, General API Information).
 */
export const BINANCE_BACKEND_TIMEOUT_MS = 10_000;

/**
 * The default HTTP timeout: past Binance's backend timeout with room for the network, so its -1007
 * answer arrives instead of our own abort (both mean "execution status unknown", but -1007 says
 * Binance itself timed out, and comes with the weight header).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface BinanceExchange extends Exchange {
  readonly marketData: BinanceMarketData;
  /** The account for `credentials`, or for the factory's `apiKey`/`secret` when omitted. No network call. */
  account(credentials?: ExchangeCredentials): TradingAccount;
  /**
   * What these keys may do (`canTrade`, spot, and the key's restrictions: withdrawals, trading, IP
   * list), read from Binance with two signed requests; `restrictions` is `undefined` on the spot
   * testnet, which has no `/sapi` endpoints. Check keys with it before keeping them.
   * @throws AuthenticationError when Binance refuses the keys.
   */
  keyPermissions(credentials: ExchangeCredentials): Promise<BinanceKeyPermissions>;
  /** Request weight used this minute, as Binance reports it (shared by every account: limits are per IP). */
  requestWeight(): RequestWeightSnapshot;
  /**
   * Binance's clock minus the injected clock, ms, as last measured with `GET /api/v3/time` (0 until
   * Binance first answers -1021). Signed timestamps are the clock's time plus this.
   */
  serverTimeOffsetMs(): number;
  /**
   * The user data stream of these keys (or the default keys): `healthy` when connected, subscribed
   * and not lagging (then `exitStatus` and `balances` answer from its events). `undefined` when the
   * stream is off or the account was never used.
   */
  userDataStream(
    credentials?: ExchangeCredentials,
  ): { healthy: boolean; subscribed: boolean; lagging: boolean; eventsReceived: number } | undefined;
}

/**
 * Binance spot through ccxt, testnet unless `testnet: false`. Creating it makes no request; market
 * rules are loaded on first use and cached.
 */
export function createBinanceExchange(options: BinanceExchangeOptions = {}): BinanceExchange {
  const testnet = options.testnet ?? true;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const recvWindowMs = options.recvWindowMs ?? 5_000;
  if (!Number.isInteger(recvWindowMs) || recvWindowMs <= 0 || recvWindowMs > 60_000) {
    throw new ConfigError(`recvWindowMs must be an integer in 1..60000, got ${recvWindowMs}`);
  }
  const baseFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const governor = new RequestWeightGovernor(clock, options.requestWeight);
  const transport = createBinanceFetch({
    fetch: baseFetch,
    governor,
    timeoutMs,
    onRequest: options.onRequest,
  });
  // One offset for the whole instance: it is this machine's clock against Binance's, whoever signs.
  const serverClock = new ServerClock(clock, () => fetchServerTime(sharedClient));
  const clientOptions = {
    testnet,
    baseUrl: options.baseUrl,
    timestamp: () => serverClock.now(),
    fetch: transport,
    timeoutMs,
    recvWindowMs,
  };
  const retry = options.retry ?? {};
  const sharedClient = createCcxtClient(clientOptions);
  const marketData = createBinanceMarketData({
    client: sharedClient,
    clock,
    retry,
    rulesMaxAgeMs: options.rulesMaxAgeMs ?? 15 * 60_000,
    averagePriceMaxAgeMs: options.averagePriceMaxAgeMs ?? 10_000,
    priceMaxAgeMs: options.priceMaxAgeMs ?? 1_000,
  });
  const streamSettings =
    options.userDataStream === true
      ? {}
      : options.userDataStream === false
        ? undefined
        : options.userDataStream;
  const hub =
    streamSettings &&
    new UserDataStreamHub({
      url: streamSettings.url ?? streamUrl(testnet, options.baseUrl),
      clock,
      timestamp: () => serverClock.now(),
      recvWindowMs,
      webSocket: streamSettings.webSocket ?? defaultWebSocketFactory(),
      governor,
      maxLagMs: streamSettings.maxLagMs ?? 5_000,
      reconnectDelayMs: streamSettings.reconnectDelayMs ?? 1_000,
      accountsPerConnection: streamSettings.accountsPerConnection ?? 1_000,
    });
  const defaultKeys =
    options.apiKey && options.secret ? { apiKey: options.apiKey, secret: options.secret } : undefined;

  return {
    specificationVersion: 'v1',
    name: testnet ? 'binance-testnet' : 'binance',
    marketData,
    account(credentials?: ExchangeCredentials) {
      const keys = credentials ?? defaultKeys;
      if (!keys?.apiKey || !keys.secret)
        throw new ConfigError('binance: an account needs an API key and secret');
      return createBinanceTradingAccount({
        client: createAccountClient(sharedClient, keys.apiKey, keys.secret),
        marketData,
        clock,
        serverClock,
        retry,
        orderLookup: options.orderLookup ?? {},
        stopLimitOffsetPercent: options.stopLimitOffsetPercent ?? '0.1',
        stopLeg: options.stopLeg ?? 'stop-limit',
        ...(hub ? { stream: hub.account(keys.apiKey, keys.secret) } : {}),
      });
    },
    keyPermissions(credentials) {
      if (!credentials.apiKey || !credentials.secret)
        return Promise.reject(new ConfigError('binance: checking keys needs an API key and secret'));
      return readKeyPermissions(createAccountClient(sharedClient, credentials.apiKey, credentials.secret), {
        // The real testnet has no /sapi; a local fake (baseUrl) serves it.
        readRestrictions: !testnet || options.baseUrl !== undefined,
      });
    },
    requestWeight: () => governor.snapshot(),
    serverTimeOffsetMs: () => serverClock.offsetMs(),
    userDataStream(credentials?: ExchangeCredentials) {
      const keys = credentials ?? defaultKeys;
      const stream = keys && hub?.existing(keys.apiKey);
      return stream
        ? {
            healthy: stream.healthy(),
            subscribed: stream.subscribed,
            lagging: stream.lagging,
            eventsReceived: stream.eventsReceived,
          }
        : undefined;
    },
    async close() {
      // The user data stream's connections, if any; ccxt's fetch keeps no sockets of ours.
      hub?.close();
    },
  };
}

/** web-socket-api.md:102-104: the WebSocket API's base endpoints; a `baseUrl` (a local fake) serves `/ws-api/v3`. */
function streamUrl(testnet: boolean, baseUrl: string | undefined): string {
  if (baseUrl) {
    const origin = new URL(baseUrl);
    return `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}/ws-api/v3`;
  }
  return testnet ? 'wss://ws-api.testnet.binance.vision/ws-api/v3' : 'wss://ws-api.binance.com:443/ws-api/v3';
}

/** `GET /api/v3/time` (weight 1), unsigned. */
async function fetchServerTime(client: CcxtBinance): Promise<number> {
  let answer: unknown;
  try {
    answer = await client.publicGetTime();
  } catch (error) {
    throw toTrdError(error, 'GET time');
  }
  const serverTime = Number((answer as { serverTime?: unknown } | undefined)?.serverTime);
  if (!Number.isFinite(serverTime) || serverTime <= 0) {
    throw new ExchangeUnavailableError('binance GET /api/v3/time: no serverTime in the answer');
  }
  return serverTime;
}
