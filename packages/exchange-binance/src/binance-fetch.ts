import { mapBinanceFailure, networkFailure, parseBinanceErrorBody } from './binance-errors';
import type { RequestWeightGovernor } from './request-weight-governor';

/** The fetch ccxt calls: `(url, init)` with `init.signal` carrying ccxt's timeout. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

// Request weights from rest-api.md (binance/binance-spot-api-docs), keyed by `METHOD path`, with
// the documented conditions on parameters.
const REQUEST_WEIGHTS: Record<string, number | ((params: URLSearchParams) => number)> = {
  'GET /api/v3/exchangeInfo': 20,
  'GET /api/v3/klines': 2,
  'GET /api/v3/avgPrice': 2,
  // "symbol: 2; symbol parameter omitted: 4; symbols: 4"
  'GET /api/v3/ticker/price': (params) => (params.has('symbol') ? 2 : 4),
  'GET /api/v3/account': 20,
  'GET /api/v3/order': 4,
  // "Without orderId: 20; With orderId: 5"
  'GET /api/v3/myTrades': (params) => (params.has('orderId') ? 5 : 20),
  'GET /api/v3/orderList': 4,
  'GET /api/v3/openOrderList': 6,
  // "6 for a single symbol; 80 when the symbol parameter is omitted"
  'GET /api/v3/openOrders': (params) => (params.has('symbol') ? 6 : 80),
};

/** The documented weight of a request (1 when the docs give no other). */
export function requestWeight(
  method: string,
  path: string,
  params: URLSearchParams = new URLSearchParams(),
): number {
  const weight = REQUEST_WEIGHTS[`${method} ${path}`] ?? 1;
  return typeof weight === 'function' ? weight(params) : weight;
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
    const parsed = new URL(url);
    const path = parsed.pathname;
    const params = new URLSearchParams(parsed.search);
    if (typeof init.body === 'string')
      for (const [name, value] of new URLSearchParams(init.body)) params.set(name, value);
    await options.governor.acquire(requestWeight(method, path, params));
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
