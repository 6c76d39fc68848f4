import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinanceApiError, rejections } from './binance-api-error';
import { ENDPOINTS, type EndpointSpec, unreadParameters } from './endpoints';
import type { FakeBinanceVenue } from './fake-binance-venue';
import { FakeUserDataStream } from './fake-user-data-stream';

type Params = Record<string, string>;

export interface FakeFault {
  /** Which requests: `POST /api/v3/order`-style method (any when omitted) and exact path. */
  method?: string;
  path: string;
  /**
   * `server-error`: HTTP 503 (Binance: "execution status unknown"); `rate-limit`: 429 with
   * Retry-After; `ban`: 418 with Retry-After; `timeout`: no answer at all; `lost-response`: the
   * request is executed, then the connection drops before the answer; `backend-timeout`: after
   * `delayMs`, HTTP 503 with -1007 "Timeout waiting for response from backend server…" (executed
   * first with `afterProcessing`).
   */
  kind: 'server-error' | 'rate-limit' | 'ban' | 'timeout' | 'lost-response' | 'backend-timeout';
  /**
   * For `backend-timeout`: how long the fake waits before answering -1007, real ms (Binance: 10 s,
   * rest-api.md:102). Default 0.
   */
  delayMs?: number;
  /** How many matching requests it hits (default 1). */
  times?: number;
  retryAfterSeconds?: number;
  /** For `server-error`, `timeout` and `backend-timeout`: execute the request first (the order exists; its answer does not arrive). */
  afterProcessing?: boolean;
}

export interface LedgerEntry {
  at: number;
  method: string;
  path: string;
  /** Query and body parameters together (the query wins, as on Binance). */
  params: Params;
  /** The `X-MBX-APIKEY` header, as sent (so tests check whose key signed each request). */
  apiKey?: string;
  status: number;
  fault?: FakeFault['kind'];
}

interface Route {
  spec: EndpointSpec;
  handle: (params: Params, apiKey: string) => unknown;
  /** Order placements also report order counts. */
  order?: boolean;
}

export interface FakeBinanceServerOptions {
  venue: FakeBinanceVenue;
  now: () => number;
  /** REQUEST_WEIGHT per minute before a 429 (-1003). */
  weightLimit?: number;
}

const MINUTE_MS = 60_000;

/**
 * Binance spot REST on loopback, wire format and all: HMAC-SHA256 signatures checked against the
 * account's secret, `timestamp`/`recvWindow` enforced (-1021), request weight counted per minute
 * and reported in `X-MBX-USED-WEIGHT-1M`, a ledger of every request, and faults on demand.
 */
export class FakeBinanceServer {
  readonly ledger: LedgerEntry[] = [];
  private readonly faults: (FakeFault & { remaining: number })[] = [];
  private readonly routes: Record<string, Route>;
  private server: Server | undefined;
  /** The WebSocket API user data stream, on the same port (`/ws-api/v3`), once listening. */
  stream: FakeUserDataStream | undefined;
  private usedWeight = 0;
  private weightWindow = 0;
  url = '';

  constructor(private readonly options: FakeBinanceServerOptions) {
    const venue = options.venue;
    // Weights and parameters from rest-api.md (`ENDPOINTS`); the venue answers.
    const handlers: Record<string, Route['handle']> = {
      'GET /api/v3/ping': () => ({}),
      'GET /api/v3/time': () => ({ serverTime: options.now() }),
      'GET /api/v3/exchangeInfo': (params) => venue.exchangeInfo(params),
      'GET /api/v3/klines': (params) => venue.klines(params),
      'GET /api/v3/avgPrice': (params) => venue.averagePriceAnswer(params),
      'GET /api/v3/ticker/price': (params) => venue.tickerPrice(params),
      'GET /api/v3/account': (params, key) => venue.accountInfo(key, params),
      'GET /sapi/v1/account/apiRestrictions': (_params, key) => venue.apiRestrictions(key),
      'POST /api/v3/order': (params, key) => venue.placeOrder(key, params),
      'GET /api/v3/order': (params, key) => venue.queryOrder(key, params),
      'DELETE /api/v3/order': (params, key) => venue.cancelOrder(key, params),
      'GET /api/v3/myTrades': (params, key) => venue.myTrades(key, params),
      'POST /api/v3/orderList/oco': (params, key) => venue.placeOco(key, params),
      'GET /api/v3/orderList': (params, key) => venue.queryOrderList(key, params),
      'DELETE /api/v3/orderList': (params, key) => venue.cancelOrderList(key, params),
      'GET /api/v3/openOrderList': (_params, key) => venue.openOrderLists(key),
      'GET /api/v3/openOrders': (params, key) => venue.openOrders(key, params),
    };
    this.routes = {};
    for (const [name, handle] of Object.entries(handlers)) {
      const spec = ENDPOINTS[name];
      if (!spec) throw new Error(`fake Binance: no documented spec for ${name}`);
      this.routes[name] = {
        spec,
        handle,
        order: name === 'POST /api/v3/order' || name === 'POST /api/v3/orderList/oco',
      };
    }
  }

  /** Weight charged per endpoint this minute and in all, for benchmarks. */
  readonly weightByEndpoint = new Map<string, number>();
  totalWeight = 0;

  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(JSON.stringify({ code: -1000, msg: `fake server bug: ${String(error)}` }));
      });
    });
    this.stream = new FakeUserDataStream(this.server, {
      venue: this.options.venue,
      now: this.options.now,
      spendWeight: (weight) => {
        this.totalWeight += weight;
        this.weightByEndpoint.set(
          'WS userDataStream',
          (this.weightByEndpoint.get('WS userDataStream') ?? 0) + weight,
        );
        this.spendWeight(weight);
      },
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await this.stream?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  fault(fault: FakeFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Sets the weight already used this minute (as if other clients on the IP had spent it). */
  setUsedWeight(weight: number): void {
    this.weightWindow = Math.floor(this.options.now() / MINUTE_MS) * MINUTE_MS;
    this.usedWeight = weight;
  }

  /** Ledger entries for one endpoint, e.g. `requests('POST', '/api/v3/order')`. */
  requests(method: string, path: string): LedgerEntry[] {
    return this.ledger.filter((entry) => entry.method === method && entry.path === path);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const rawQuery = url.search.slice(1);
    const params: Params = {
      ...Object.fromEntries(new URLSearchParams(body)),
      ...Object.fromEntries(url.searchParams),
    };
    const method = request.method ?? 'GET';
    const apiKeyHeader = request.headers['x-mbx-apikey'];
    const apiKey = typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined;
    const entry: LedgerEntry = {
      at: this.options.now(),
      method,
      path: url.pathname,
      params,
      apiKey,
      status: 0,
    };
    this.ledger.push(entry);

    const fault = this.takeFault(method, url.pathname);
    if (fault) entry.fault = fault.kind;
    // errors.md `### -1003 TOO_MANY_REQUESTS` (both messages); rest-api.md, IP Limits: "A `Retry-After`
    // header is sent with a 418 or 429 responses".
    if (fault && (fault.kind === 'rate-limit' || fault.kind === 'ban')) {
      const status = fault.kind === 'ban' ? 418 : 429;
      const retryAfter = fault.retryAfterSeconds ?? 60;
      const msg =
        status === 418
          ? `Way too much request weight used; IP banned until ${this.options.now() + retryAfter * 1000}. Please use WebSocket Streams for live updates to avoid bans.`
          : 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.';
      this.send(response, entry, status, { code: -1003, msg }, { 'Retry-After': String(retryAfter) });
      return;
    }
    // errors.md `### -1008 SERVER_BUSY`; rest-api.md, HTTP Return Codes: 5XX, "the execution status is UNKNOWN".
    if (fault && !fault.afterProcessing && fault.kind === 'server-error') {
      this.send(response, entry, 503, {
        code: -1008,
        msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
      });
      return;
    }
    if (fault && !fault.afterProcessing && fault.kind === 'timeout') return; // never answers

    const route = this.routes[`${method} ${url.pathname}`];
    if (!route) {
      this.send(response, entry, 404, { code: -1, msg: `fake Binance has no ${method} ${url.pathname}` });
      return;
    }
    const routeWeight = route.spec.weight(params);
    const routeName = `${method} ${url.pathname}`;
    this.weightByEndpoint.set(routeName, (this.weightByEndpoint.get(routeName) ?? 0) + routeWeight);
    this.totalWeight += routeWeight;
    const weight = this.spendWeight(routeWeight);
    const headers: Record<string, string> = { 'X-MBX-USED-WEIGHT-1M': String(weight) };
    let status = 200;
    let payload: unknown;
    try {
      // errors.md:22-24 `### -1003 TOO_MANY_REQUESTS`: "Too much request weight used; current limit is %s request weight per %s. …"; rest-api.md:153-161: HTTP 429 with Retry-After.
      if (weight > (this.options.weightLimit ?? 6000)) {
        const retryAfter = Math.ceil((this.weightWindow + MINUTE_MS - this.options.now()) / 1000);
        headers['Retry-After'] = String(retryAfter);
        throw new BinanceApiError(
          429,
          -1003,
          `Too much request weight used; current limit is ${this.options.weightLimit ?? 6000} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
        );
      }
      let key = '';
      if (route.spec.signed) key = this.authenticate(apiKey, rawQuery, body, params);
      // rest-api.md:194-196: "By default, an API key cannot `TRADE`" — such a key is refused on TRADE
      // endpoints (errors.md:341-342 -2015).
      if (
        route.spec.security === 'TRADE' &&
        !this.options.venue.accounts.get(key)?.permissions.enableSpotAndMarginTrading
      )
        throw rejections.rejectedKey();
      // errors.md:93-95 -1104: a parameter the endpoint does not read (misspelled, or unknown) is refused.
      const unread = unreadParameters(route.spec, params);
      const sent = Object.keys(params).length;
      if (unread.length > 0) throw rejections.unreadParameters(sent - unread.length, sent);
      // rest-api.md:102: the backend takes too long; the API gives up after its timeout.
      if (fault?.kind === 'backend-timeout' && fault.delayMs)
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.kind === 'backend-timeout' && !fault.afterProcessing) throw rejections.backendTimeout();
      payload = route.handle(params, key);
      if (fault?.kind === 'backend-timeout') throw rejections.backendTimeout();
      if (route.order) {
        headers['X-MBX-ORDER-COUNT-10S'] = '1';
        headers['X-MBX-ORDER-COUNT-1D'] = '1';
      }
    } catch (error) {
      if (!(error instanceof BinanceApiError)) throw error;
      status = error.status;
      payload = { code: error.code, msg: error.msg };
    }
    if (fault?.kind === 'lost-response') {
      entry.status = -1;
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout') return;
    // errors.md `### -1007 TIMEOUT`: "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
    if (fault?.kind === 'server-error') {
      this.send(
        response,
        entry,
        503,
        {
          code: -1007,
          msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
        },
        headers,
      );
      return;
    }
    this.send(response, entry, status, payload, headers);
  }

  private takeFault(method: string, path: string): FakeFault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.path === path &&
        (!candidate.method || candidate.method === method),
    );
    if (fault) fault.remaining--;
    return fault;
  }

  private spendWeight(weight: number): number {
    const window = Math.floor(this.options.now() / MINUTE_MS) * MINUTE_MS;
    if (window !== this.weightWindow) {
      this.weightWindow = window;
      this.usedWeight = 0;
    }
    this.usedWeight += weight;
    return this.usedWeight;
  }

  /** SIGNED endpoint checks in Binance's order: API key, timestamp and recvWindow, then the HMAC. */
  private authenticate(
    apiKey: string | undefined,
    rawQuery: string,
    rawBody: string,
    params: Params,
  ): string {
    // errors.md `### -2014 BAD_API_KEY_FMT` and `### -2015 REJECTED_MBX_KEY`.
    if (!apiKey) throw new BinanceApiError(401, -2014, 'API-key format invalid.');
    const account = this.options.venue.accounts.get(apiKey);
    if (!account) throw new BinanceApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    // errors.md `### -1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED`.
    if (!params.timestamp)
      throw new BinanceApiError(
        400,
        -1102,
        "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      );
    // rest-api.md, recvWindow: "The value cannot be greater than `60000`" (the code is not in today's errors.md).
    const recvWindow = params.recvWindow ? Number(params.recvWindow) : 5000;
    if (!(recvWindow > 0 && recvWindow <= 60_000))
      throw new BinanceApiError(400, -1131, 'recvWindow must be less than 60000');
    const serverTime = this.options.now();
    const timestamp = Number(params.timestamp);
    // errors.md `### -1021 INVALID_TIMESTAMP` (both messages).
    if (timestamp >= serverTime + 1000)
      throw new BinanceApiError(
        400,
        -1021,
        "Timestamp for this request was 1000ms ahead of the server's time.",
      );
    if (serverTime - timestamp > recvWindow)
      throw new BinanceApiError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    const signature = params.signature;
    // errors.md `### -1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED`, then `### -1022 INVALID_SIGNATURE`.
    if (!signature)
      throw new BinanceApiError(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      );
    // The signed payload is the query string followed by the body, without the signature itself.
    const payload = withoutSignature(rawQuery) + withoutSignature(rawBody);
    const expected = createHmac('sha256', account.secret).update(payload).digest('hex');
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      throw new BinanceApiError(400, -1022, 'Signature for this request is not valid.');
    }
    return apiKey;
  }

  private send(
    response: ServerResponse,
    entry: LedgerEntry,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    entry.status = status;
    response.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    response.end(JSON.stringify(payload));
  }
}

function withoutSignature(raw: string): string {
  return raw
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('signature='))
    .join('&');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
