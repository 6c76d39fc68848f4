import { mapBinanceFailure, networkFailure, parseBinanceErrorBody } from './binance-errors';
import type { RequestWeightGovernor } from './request-weight-governor';

/** The fetch ccxt calls: `(url, init)` with `init.signal` carrying ccxt's timeout. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

// Request weights from Binance's REST docs (binance-api-notes.md §3), keyed by `METHOD path`.
const REQUEST_WEIGHTS: Record<string, number> = {
  'GET /api/v3/exchangeInfo': 20,
  'GET /api/v3/klines': 2,
  'GET /api/v3/ticker/price': 2,
  'GET /api/v3/account': 20,
  'GET /api/v3/order': 4,
  'GET /api/v3/myTrades': 20,
  'GET /api/v3/orderList': 4,
  'GET /api/v3/openOrderList': 6,
};

export function requestWeight(method: string, path: string): number {
  return REQUEST_WEIGHTS[`${method} ${path}`] ?? 1;
}

export interface BinanceFetchOptions {
  fetch: FetchFunction;
  governor: RequestWeightGovernor;
  timeoutMs: number;
  /** Called with every URL the adapter requests, signature redacted (tests check that none leaves the machine). */
  onRequest?: (request: { method: string; url: string }) => void;
}

/**
 * Wraps fetch for ccxt: waits for request weight, records `X-MBX-USED-WEIGHT-1M`, and turns every
 * failure into one of core's typed errors right here, before ccxt builds its own messages (which
 * quote the full URL, signature included).
 */
export function createBinanceFetch(options: BinanceFetchOptions): FetchFunction {
  return async (url, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const path = new URL(url).pathname;
    await options.governor.acquire(requestWeight(method, path));
    options.onRequest?.({ method, url: url.replace(/signature=[^&]*/i, 'signature=[redacted]') });
    let response: Response;
    try {
      response = await options.fetch(url, {
        method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        redirect: 'error',
      });
    } catch (error) {
      throw networkFailure(method, path, error, options.timeoutMs);
    }
    const usedWeight = Number(response.headers.get('x-mbx-used-weight-1m'));
    if (response.headers.has('x-mbx-used-weight-1m') && Number.isFinite(usedWeight)) {
      options.governor.observeUsedWeight(usedWeight);
    }
    if (response.ok) return response;
    let body = '';
    try {
      body = await response.text();
    } catch (error) {
      throw networkFailure(method, path, error, options.timeoutMs);
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const retryAfterSeconds =
      response.headers.has('retry-after') && Number.isFinite(retryAfter) ? retryAfter : undefined;
    if ((response.status === 429 || response.status === 418) && retryAfterSeconds !== undefined) {
      options.governor.blockFor(retryAfterSeconds * 1000);
    }
    throw mapBinanceFailure({
      method,
      path,
      status: response.status,
      retryAfterSeconds,
      ...parseBinanceErrorBody(body),
    });
  };
}
