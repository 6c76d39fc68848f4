import ccxt from 'ccxt';
import type { FetchFunction } from './binance-fetch';

export type CcxtBinance = InstanceType<typeof ccxt.binance>;

export interface CcxtClientOptions {
  testnet: boolean;
  baseUrl?: string;
  apiKey?: string;
  secret?: string;
  /** The `timestamp` of signed requests: the injected clock corrected by the measured server offset. */
  timestamp: () => number;
  fetch: FetchFunction;
  timeoutMs: number;
  recvWindowMs: number;
}

/**
 * One ccxt binance instance, configured so it calls only what we ask: spot markets only, no
 * margin or capital endpoints while loading markets, no time-sync calls of ccxt's own (the
 * adapter's `ServerClock` resyncs after -1021), no ccxt throttling (the weight governor paces
 * requests on our clock), timestamps from `options.timestamp`, and every request through our fetch.
 */
export function createCcxtClient(options: CcxtClientOptions): CcxtBinance {
  const client = new ccxt.binance({
    apiKey: options.apiKey,
    secret: options.secret,
    enableRateLimit: false,
    timeout: options.timeoutMs,
    options: {
      defaultType: 'spot',
      fetchMarkets: { types: ['spot'] },
      fetchMargins: false,
      fetchCurrencies: false,
      adjustForTimeDifference: false,
      recvWindow: options.recvWindowMs,
    },
  });
  if (options.testnet) client.setSandboxMode(true);
  if (options.baseUrl) pointEveryApiAt(client, options.baseUrl);
  client.fetchImplementation = options.fetch;
  // Signed requests carry the injected clock's time plus the measured server offset, so tests and
  // the venue agree on `timestamp`.
  client.nonce = () => options.timestamp();
  return client;
}

/**
 * A client for one account's keys that shares everything else with `shared`. A ccxt binance
 * instance costs ~10 ms and ~1.3 MB to build (its API tables), too much per user; this object
 * holds the keys and inherits the rest (~0.2 ms, ~10 kB). ccxt's implicit methods are closures
 * over the instance that defined them, so the private ones (`privatePostOrderListOco`, …) are
 * defined again here, through ccxt's own `defineRestApi`, to sign with these keys.
 */
export function createAccountClient(shared: CcxtBinance, apiKey: string, secret: string): CcxtBinance {
  const client = Object.create(shared) as CcxtBinance;
  client.apiKey = apiKey;
  client.secret = secret;
  client.defineRestApi((shared.api as Record<string, unknown>).private, 'request', ['private']);
  return client;
}

/** Rewrites the origin of every API group ccxt knows (api, sapi, fapi…) so nothing can reach the internet. */
function pointEveryApiAt(client: CcxtBinance, baseUrl: string): void {
  const origin = new URL(baseUrl);
  const base = `${origin.protocol}//${origin.host}`;
  const urls = client.urls as Record<string, unknown>;
  // `setSandboxMode` moves the production table (with sapi) to `apiBackup` and puts the testnet's
  // (api only) in `api`: read both, so a local fake serves every group in either mode.
  const groups = ['apiBackup', 'api', 'test', 'demo'];
  const rewritten: Record<string, string> = {};
  for (const group of groups) {
    const table = urls[group];
    if (typeof table !== 'object' || table === null) continue;
    for (const [name, value] of Object.entries(table as Record<string, unknown>)) {
      if (typeof value === 'string' && /^https?:\/\//.test(value))
        rewritten[name] = `${base}${new URL(value).pathname}`;
    }
  }
  urls.api = rewritten;
  urls.test = { ...rewritten };
  urls.demo = { ...rewritten };
}
