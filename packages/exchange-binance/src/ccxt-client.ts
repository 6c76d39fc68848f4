import type { Clock } from '@trd/core';
import ccxt from 'ccxt';
import type { FetchFunction } from './binance-fetch';

export type CcxtBinance = InstanceType<typeof ccxt.binance>;

export interface CcxtClientOptions {
  testnet: boolean;
  baseUrl?: string;
  apiKey?: string;
  secret?: string;
  clock: Clock;
  fetch: FetchFunction;
  timeoutMs: number;
  recvWindowMs: number;
}

/**
 * One ccxt binance instance, configured so it calls only what we ask: spot markets only, no
 * margin or capital endpoints while loading markets, no time-sync calls, no ccxt throttling (the
 * weight governor paces requests on our clock), timestamps from our clock, and every request
 * through our fetch.
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
  // Signed requests carry the injected clock's time, so tests and the venue agree on `timestamp`.
  client.nonce = () => options.clock.now();
  return client;
}

/** Rewrites the origin of every API group ccxt knows (api, sapi, fapi…) so nothing can reach the internet. */
function pointEveryApiAt(client: CcxtBinance, baseUrl: string): void {
  const origin = new URL(baseUrl);
  const base = `${origin.protocol}//${origin.host}`;
  const urls = client.urls as Record<string, unknown>;
  const groups = ['api', 'test', 'demo'];
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
