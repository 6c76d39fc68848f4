import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrdError, type VirtualClock } from '@trd/core';
import type { MockExchange } from '@trd/exchange-mock';

/** One venue call as the engine process made it. */
export interface VenueCall {
  target: 'market' | 'account';
  apiKey?: string;
  method: string;
  args: unknown[];
}

/**
 * What to do with a call before answering. `kill-before`: the call never reaches the venue;
 * `kill-after`: the venue executes it but the answer is lost. Either way the caller dies
 * (the hook kills it) and gets no response.
 */
export type CallVerdict = 'answer' | 'kill-before' | 'kill-after';

export interface VenueServer {
  readonly url: string;
  /** Called for every venue call; may kill the calling process. */
  onCall: (call: VenueCall) => CallVerdict;
  /** Runs when a verdict says kill. */
  onKill: () => void;
  close(): Promise<void>;
}

const MARKET_METHODS = new Set(['candles', 'price', 'rules']);
const ACCOUNT_METHODS = new Set([
  'balances',
  'placeMarketOrder',
  'findOrder',
  'placeExit',
  'findExit',
  'exitStatus',
  'cancelExit',
]);

/**
 * Serves the mock exchange of the test process to engine processes over local HTTP, so the venue
 * (its orders, fills and balances) survives when an engine process is killed. Time is the
 * venue's VirtualClock; engine processes move it with `/advance`.
 */
export async function startVenueServer(exchange: MockExchange, clock: VirtualClock): Promise<VenueServer> {
  const venue: VenueServer = {
    url: '',
    onCall: () => 'answer',
    onKill: () => {},
    close: async () => {},
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    if (request.url === '/advance') {
      const { ms } = JSON.parse(body) as { ms: number };
      await clock.advance(ms);
      return send(response, { ok: true, value: clock.now() });
    }
    if (request.url === '/now') return send(response, { ok: true, value: clock.now() });
    if (request.url !== '/call')
      return send(response, { ok: false, error: { name: 'Error', message: 'not found' } }, 404);

    const call = JSON.parse(body) as VenueCall;
    const allowed = call.target === 'market' ? MARKET_METHODS : ACCOUNT_METHODS;
    if (!allowed.has(call.method))
      return send(
        response,
        { ok: false, error: { name: 'Error', message: `no method ${call.method}` } },
        400,
      );
    const verdict = venue.onCall(call);
    if (verdict === 'kill-before') {
      venue.onKill();
      return;
    }
    let outcome: unknown;
    try {
      const target =
        call.target === 'market'
          ? (exchange.marketData as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
          : (exchange.account({ apiKey: call.apiKey ?? '', secret: 'test-secret' }) as unknown as Record<
              string,
              (...args: unknown[]) => Promise<unknown>
            >);
      const method = target[call.method] as (...args: unknown[]) => Promise<unknown>;
      outcome = { ok: true, value: await method.apply(target, call.args) };
    } catch (error) {
      outcome = { ok: false, error: serializeError(error) };
    }
    if (verdict === 'kill-after') {
      venue.onKill();
      return;
    }
    send(response, outcome);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, { ok: false, error: serializeError(error) }, 500),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(venue, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return venue;
}

function serializeError(error: unknown) {
  if (TrdError.isInstance(error)) {
    const extra = error as unknown as Record<string, unknown>;
    return {
      name: error.name,
      code: error.code,
      message: error.message,
      clientOrderId: extra.clientOrderId,
      retryAfterMs: extra.retryAfterMs,
      venueCode: extra.venueCode,
    };
  }
  return { name: 'Error', message: error instanceof Error ? error.message : String(error) };
}

function send(response: ServerResponse, payload: unknown, status = 200) {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(payload));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      data += chunk;
    });
    request.on('end', () => resolve(data));
    request.on('error', reject);
  });
}
