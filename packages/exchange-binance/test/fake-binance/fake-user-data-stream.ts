import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { FakeBinanceVenue } from './fake-binance-venue';

// The WebSocket server side of `ws`, from ccxt's own dependency (see src/web-socket.ts).
const requireHere = createRequire(import.meta.url);
const ws = createRequire(requireHere.resolve('ccxt'))('ws') as {
  WebSocketServer: new (options: { server: Server; path: string }) => WebSocketServerLike;
};

interface SocketLike {
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: () => void): void;
}
interface WebSocketServerLike {
  on(event: 'connection', listener: (socket: SocketLike) => void): void;
  close(callback?: () => void): void;
  clients: Set<SocketLike>;
}

interface Session {
  socket: SocketLike;
  /** subscriptionId → apiKey */
  subscriptions: Map<number, string>;
  nextId: number;
}

export interface FakeUserDataStreamOptions {
  venue: FakeBinanceVenue;
  now: () => number;
  /** Charges request weight to the same per-IP counter as REST (web-socket-api.md:510-517). */
  spendWeight: (weight: number) => void;
}

/**
 * The WebSocket API's user data stream on the fake's HTTP server, path `/ws-api/v3`
 * (web-socket-api.md:100-104): `userDataStream.subscribe.signature` with an HMAC signature over
 * the alphabetically sorted params (web-socket-api.md:759-797, 8309-8348), `userDataStream.
 * unsubscribe`, `session.subscriptions`; events `{ subscriptionId, event }` as user-data-stream.md
 * gives them (`executionReport`, `listStatus`, `outboundAccountPosition`).
 */
export class FakeUserDataStream {
  private readonly server: WebSocketServerLike;
  private readonly sessions = new Set<Session>();
  private held: (() => void)[] | undefined;
  private refusing = false;
  private readonly sent = new Map<string, number>();
  /** Requests received, for tests. */
  readonly requests: { method: string; params: Record<string, unknown> }[] = [];

  constructor(
    httpServer: Server,
    private readonly options: FakeUserDataStreamOptions,
  ) {
    this.server = new ws.WebSocketServer({ server: httpServer, path: '/ws-api/v3' });
    this.server.on('connection', (socket) => {
      if (this.refusing) {
        socket.terminate();
        return;
      }
      // web-socket-api.md:514: "Connecting to WebSocket API costs 2 weight."
      options.spendWeight(2);
      const session: Session = { socket, subscriptions: new Map(), nextId: 0 };
      this.sessions.add(session);
      socket.on('message', (data) => this.handle(session, data.toString('utf8')));
      socket.on('close', () => this.sessions.delete(session));
    });
    options.venue.onEvent((apiKey, event) => this.push(apiKey, event));
  }

  /** Drops every connection (a network cut); with `refuse`, new connections are dropped too until `accept()`. */
  disconnectAll(options: { refuse?: boolean } = {}): void {
    this.refusing = options.refuse ?? false;
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
  }

  accept(): void {
    this.refusing = false;
  }

  /** Holds events back (a lagging stream) until `release()`; they keep their event times. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const send of held) send();
  }

  /** Events pushed to an account's subscriptions so far. */
  sentEvents(apiKey: string): number {
    return this.sent.get(apiKey) ?? 0;
  }

  /** Active subscriptions across all sessions, by API key. */
  subscribedKeys(): string[] {
    return [...this.sessions].flatMap((session) => [...session.subscriptions.values()]);
  }

  close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private push(apiKey: string, event: Record<string, unknown>): void {
    for (const session of this.sessions) {
      for (const [subscriptionId, key] of session.subscriptions) {
        if (key !== apiKey) continue;
        const send = () => {
          session.socket.send(JSON.stringify({ subscriptionId, event }));
          this.sent.set(apiKey, (this.sent.get(apiKey) ?? 0) + 1);
        };
        if (this.held) this.held.push(send);
        else send();
      }
    }
  }

  private handle(session: Session, text: string): undefined {
    let request: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      request = JSON.parse(text);
    } catch {
      // errors.md:164-166 -1135 INVALID_JSON
      session.socket.send(
        JSON.stringify({ id: null, status: 400, error: { code: -1135, msg: 'Invalid JSON Request' } }),
      );
      return;
    }
    const { id = null, method } = request;
    const params = request.params ?? {};
    this.requests.push({ method: String(method), params });
    const answer = (
      status: number,
      body: { result?: unknown; error?: { code: number; msg: string } },
    ): undefined => {
      session.socket.send(JSON.stringify({ id, status, ...body }));
      return undefined;
    };
    switch (method) {
      case 'userDataStream.subscribe.signature': {
        // web-socket-api.md:8323-8324: weight 2.
        this.options.spendWeight(2);
        const refusal = this.authenticate(params);
        if (refusal) return answer(400, { error: refusal });
        const apiKey = String(params.apiKey);
        // web-socket-api.md:8183 "only one active subscription for a given account on a given
        // connection"; errors.md:350-351 -2035 SUBSCRIPTION_ACTIVE.
        if ([...session.subscriptions.values()].includes(apiKey))
          return answer(400, {
            error: { code: -2035, msg: 'User Data Stream subscription already active.' },
          });
        const subscriptionId = session.nextId++;
        session.subscriptions.set(subscriptionId, apiKey);
        return answer(200, { result: { subscriptionId } });
      }
      case 'userDataStream.unsubscribe': {
        this.options.spendWeight(2);
        // web-socket-api.md:8256: without a subscriptionId, all of them close.
        const target = params.subscriptionId;
        for (const subscriptionId of [...session.subscriptions.keys()]) {
          if (target !== undefined && Number(target) !== subscriptionId) continue;
          session.subscriptions.delete(subscriptionId);
          // user-data-stream.md:325-341: eventStreamTerminated when a subscription is stopped.
          session.socket.send(
            JSON.stringify({ subscriptionId, event: { e: 'eventStreamTerminated', E: this.options.now() } }),
          );
        }
        return answer(200, { result: {} });
      }
      case 'session.subscriptions':
        this.options.spendWeight(2);
        return answer(200, {
          result: [...session.subscriptions.keys()].map((subscriptionId) => ({ subscriptionId })),
        });
      default:
        // Not a method this fake serves (Binance has many more): said so plainly.
        return answer(400, { error: { code: -1000, msg: `fake Binance has no method ${String(method)}` } });
    }
  }

  /** web-socket-api.md:653-700 and 759-810: API key, timestamp within recvWindow, HMAC over the sorted params. */
  private authenticate(params: Record<string, unknown>): { code: number; msg: string } | undefined {
    const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
    if (!apiKey)
      return { code: -1102, msg: "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed." };
    const account = this.options.venue.accounts.get(apiKey);
    if (!account) return { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
    const timestamp = Number(params.timestamp);
    if (!Number.isFinite(timestamp))
      return {
        code: -1102,
        msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      };
    const recvWindow = params.recvWindow === undefined ? 5000 : Number(params.recvWindow);
    const serverTime = this.options.now();
    if (timestamp >= serverTime + 1000)
      return { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
    if (serverTime - timestamp > recvWindow)
      return { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
    const signature = typeof params.signature === 'string' ? params.signature : '';
    const payload = Object.keys(params)
      .filter((name) => name !== 'signature')
      .sort()
      .map((name) => `${name}=${String(params[name])}`)
      .join('&');
    const expected = createHmac('sha256', account.secret).update(payload).digest('hex');
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected)))
      return { code: -1022, msg: 'Signature for this request is not valid.' };
    return undefined;
  }
}
