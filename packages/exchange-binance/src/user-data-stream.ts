import { createHmac } from 'node:crypto';
import type { Balances, Clock } from '@trd/core';
import { dec, toDecimalString } from '@trd/core';
import type { BinanceOrder, BinanceOrderList, BinanceTrade } from './binance-reports';
import type { RequestWeightGovernor } from './request-weight-governor';
import type { WebSocketFactory, WebSocketLike } from './web-socket';

/**
 * Binance's user data stream over the WebSocket API (web-socket-api.md "User Data Stream
 * requests"; user-data-stream.md for the events): one connection carries up to 1,000 accounts,
 * each subscribed with `userDataStream.subscribe.signature` (HMAC over the sorted params). Each
 * account keeps an in-memory view of its orders, order lists and balances from `executionReport`,
 * `listStatus` and `outboundAccountPosition`. A view is trusted only while the stream is healthy
 * (connected, subscribed, events not lagging) and only for what it has seen since its current
 * subscription began; everything else is read over REST (and seeds the view: the reconcile after a
 * reconnect).
 */

export interface UserDataStreamOptions {
  /** `wss://ws-api.binance.com:443/ws-api/v3` (testnet: `wss://ws-api.testnet.binance.vision/ws-api/v3`). */
  url: string;
  clock: Clock;
  /** The signed timestamp (the injected clock plus the measured offset to Binance's). */
  timestamp: () => number;
  recvWindowMs: number;
  webSocket: WebSocketFactory;
  governor: RequestWeightGovernor;
  /** An event this much older than the clock marks the stream lagging (REST answers until a fresh one), ms. */
  maxLagMs: number;
  /** Wait before reconnecting a dropped connection, on the clock, ms. */
  reconnectDelayMs: number;
  /** Subscriptions per connection (web-socket-api.md: "up to 1,000 active subscriptions"). */
  accountsPerConnection: number;
}

/** A stream-built order: the REST order shape, plus the trades the stream saw. */
interface OrderView {
  order: BinanceOrder;
  trades: BinanceTrade[];
  /** Whether every trade of the order came through the stream (else its fees need REST). */
  tradesComplete: boolean;
}

/** Orders and order lists kept per account (the oldest go first; a read of a forgotten one is REST). */
const MAX_ORDERS = 500;
const MAX_LISTS = 200;

function bounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

const STATUS_RANK: Record<string, number> = { NEW: 0, PENDING_NEW: 0, PARTIALLY_FILLED: 1 };
const rank = (status: string | undefined) => STATUS_RANK[status ?? ''] ?? 2;

/** Newer state wins: more executed, or as much and further along (events and REST reads cross). */
function newer(candidate: BinanceOrder, current: BinanceOrder | undefined): boolean {
  if (!current) return true;
  const executed = dec(candidate.executedQty ?? '0').cmp(current.executedQty ?? '0');
  return executed > 0 || (executed === 0 && rank(candidate.status) >= rank(current.status));
}

export class AccountStream {
  /** Bumped at every confirmed subscription: views of another epoch are not trusted. */
  epoch = 0;
  subscribed = false;
  lagging = false;
  /** Events received in all (monitoring, and tests waiting for delivery). */
  eventsReceived = 0;
  private readonly orders = new Map<number, OrderView & { epoch: number }>();
  private readonly lists = new Map<number, BinanceOrderList & { epoch: number }>();
  private balanceView:
    | { epoch: number; updatedAt: number; balances: Map<string, { free: string; locked: string }> }
    | undefined;
  /** Balance events that arrived before the REST snapshot they apply on top of (the snapshot may be older). */
  private pendingPositions: Record<string, unknown>[] = [];

  constructor(
    readonly apiKey: string,
    readonly secret: string,
    private readonly hub: UserDataStreamHub,
  ) {}

  /** Starts the subscription if it is not running (no wait). */
  ensure(): void {
    this.hub.ensure(this);
  }

  healthy(): boolean {
    return this.subscribed && !this.lagging && this.hub.connected(this);
  }

  /** The epoch to tag a view with, when the stream is healthy now. */
  trustedEpoch(): number | undefined {
    return this.healthy() ? this.epoch : undefined;
  }

  /** The order list and its legs as the stream knows them, or undefined when REST must answer. */
  exitView(orderListId: string): { list: BinanceOrderList; legs: OrderView[] } | undefined {
    if (!this.healthy()) return undefined;
    const list = this.lists.get(Number(orderListId));
    if (!list || list.epoch !== this.epoch) return undefined;
    const legs = list.orders.map((leg) => this.orders.get(leg.orderId));
    if (legs.some((leg) => !leg || leg.epoch !== this.epoch)) return undefined;
    return { list, legs: legs as OrderView[] };
  }

  /** Records an order list and its legs read over REST or from a placement's answer, under `epoch`. */
  seedExit(list: BinanceOrderList, legs: readonly BinanceOrder[], epoch: number | undefined): void {
    if (epoch === undefined || epoch !== this.epoch) return;
    const current = this.lists.get(list.orderListId);
    if (
      !current ||
      current.epoch !== epoch ||
      !(current.listOrderStatus !== 'EXECUTING' && list.listOrderStatus === 'EXECUTING')
    )
      bounded(this.lists, list.orderListId, { ...list, epoch }, MAX_LISTS);
    for (const leg of legs) {
      const view = this.orders.get(leg.orderId);
      if (view && view.epoch === epoch && !newer(leg, view.order)) continue;
      // Trades the stream saw stay; trades it did not see (the order executed before) need REST.
      const executed = dec(leg.executedQty ?? '0');
      const trades = view?.epoch === epoch ? view.trades : [];
      const seen = trades.reduce((sum, trade) => sum.plus(trade.qty), dec(0));
      bounded(
        this.orders,
        leg.orderId,
        { order: leg, trades, tradesComplete: seen.eq(executed), epoch },
        MAX_ORDERS,
      );
    }
  }

  /** Balances as the stream knows them, or undefined when REST must answer. */
  balances(): Balances | undefined {
    if (!this.healthy() || !this.balanceView || this.balanceView.epoch !== this.epoch) return undefined;
    const balances: Balances = {};
    for (const [asset, { free, locked }] of this.balanceView.balances) {
      if (dec(free).isZero() && dec(locked).isZero()) continue;
      balances[asset] = { free: toDecimalString(free), locked: toDecimalString(locked) };
    }
    return balances;
  }

  /** Records an account snapshot read over REST (its `updateTime`), under `epoch`. */
  seedBalances(balances: Balances, updatedAt: number, epoch: number | undefined): void {
    if (epoch === undefined || epoch !== this.epoch) return;
    const current = this.balanceView;
    if (current && current.epoch === epoch && current.updatedAt > updatedAt) return;
    this.balanceView = {
      epoch,
      updatedAt,
      balances: new Map(Object.entries(balances).map(([asset, balance]) => [asset, { ...balance }])),
    };
    const pending = this.pendingPositions;
    this.pendingPositions = [];
    for (const event of pending) this.onAccountPosition(event);
  }

  /** A new subscription: nothing seen before it is trusted. */
  onSubscribed(): void {
    this.epoch++;
    this.subscribed = true;
    this.lagging = false;
    this.orders.clear();
    this.lists.clear();
    this.balanceView = undefined;
    this.pendingPositions = [];
  }

  onEvent(event: Record<string, unknown>, now: number): void {
    this.eventsReceived++;
    const eventTime = Number(event.E);
    if (Number.isFinite(eventTime)) this.lagging = now - eventTime > this.hub.options.maxLagMs;
    switch (event.e) {
      case 'executionReport':
        this.onExecutionReport(event);
        return;
      case 'listStatus':
        this.onListStatus(event);
        return;
      case 'outboundAccountPosition':
        this.onAccountPosition(event);
        return;
      case 'eventStreamTerminated':
        this.subscribed = false;
        return;
      default:
    }
  }

  /** user-data-stream.md:73-121: one order's state, and a trade when `x` is TRADE. */
  private onExecutionReport(event: Record<string, unknown>): void {
    const orderId = Number(event.i);
    const order: BinanceOrder = {
      symbol: String(event.s),
      orderId,
      orderListId: Number(event.g),
      clientOrderId: String(event.c),
      price: String(event.p),
      origQty: String(event.q),
      executedQty: String(event.z),
      cummulativeQuoteQty: String(event.Z),
      status: String(event.X),
      type: String(event.o),
      side: String(event.S),
      stopPrice: String(event.P),
      time: Number(event.O),
      updateTime: Number(event.T),
      isWorking: event.w === true,
      workingTime: event.W === undefined ? -1 : Number(event.W),
    };
    const view = this.orders.get(orderId);
    const current = view?.epoch === this.epoch ? view : undefined;
    const trades = current ? [...current.trades] : [];
    if (event.x === 'TRADE') {
      trades.push({
        orderId,
        price: String(event.L),
        qty: String(event.l),
        quoteQty: String(event.Y),
        commission: String(event.n),
        commissionAsset: String(event.N),
        time: Number(event.T),
      });
    }
    // A first sight of an order already partly executed (no earlier trade seen): fees need REST.
    const seen = trades.reduce((sum, trade) => sum.plus(trade.qty), dec(0));
    const tradesComplete = seen.eq(order.executedQty ?? '0');
    const latest = !current || newer(order, current.order) ? order : current.order;
    bounded(this.orders, orderId, { order: latest, trades, tradesComplete, epoch: this.epoch }, MAX_ORDERS);
  }

  /** user-data-stream.md:275-308. */
  private onListStatus(event: Record<string, unknown>): void {
    const orderListId = Number(event.g);
    const current = this.lists.get(orderListId);
    const list: BinanceOrderList = {
      orderListId,
      contingencyType: String(event.c),
      listStatusType: String(event.l),
      listOrderStatus: String(event.L),
      listClientOrderId: String(event.C),
      transactionTime: Number(event.T),
      symbol: String(event.s),
      orders: ((event.O as { s: string; i: number; c: string }[]) ?? []).map((leg) => ({
        symbol: leg.s,
        orderId: Number(leg.i),
        clientOrderId: leg.c,
      })),
    };
    // A done list never goes back to executing.
    if (
      current?.epoch === this.epoch &&
      current.listOrderStatus !== 'EXECUTING' &&
      list.listOrderStatus === 'EXECUTING'
    )
      return;
    bounded(this.lists, orderListId, { ...list, epoch: this.epoch }, MAX_LISTS);
  }

  /** user-data-stream.md:29-50: absolute free/locked of the assets that changed, as of `u`. */
  private onAccountPosition(event: Record<string, unknown>): void {
    const view = this.balanceView;
    if (!view || view.epoch !== this.epoch) {
      this.pendingPositions.push(event);
      if (this.pendingPositions.length > 100) this.pendingPositions.shift();
      return;
    }
    // An event of the snapshot's own millisecond may be newer than it: absolute values, applied.
    const updatedAt = Number(event.u);
    if (updatedAt < view.updatedAt) return;
    for (const entry of (event.B as { a: string; f: string; l: string }[]) ?? [])
      view.balances.set(entry.a, { free: entry.f, locked: entry.l });
    view.updatedAt = updatedAt;
  }
}

interface Connection {
  socket: WebSocketLike;
  open: boolean;
  accounts: Set<AccountStream>;
  /** request id → account being subscribed */
  pending: Map<string, AccountStream>;
  /** subscriptionId → account */
  bySubscription: Map<number, AccountStream>;
}

/** The connections and the accounts they carry. */
export class UserDataStreamHub {
  private readonly connections: Connection[] = [];
  private readonly placed = new Map<AccountStream, Connection>();
  private readonly accounts = new Map<string, AccountStream>();
  private nextRequestId = 1;
  private closed = false;

  constructor(readonly options: UserDataStreamOptions) {}

  /** The stream of these keys (one per API key, shared by every account object for it). */
  account(apiKey: string, secret: string): AccountStream {
    let stream = this.accounts.get(apiKey);
    if (!stream) {
      stream = new AccountStream(apiKey, secret, this);
      this.accounts.set(apiKey, stream);
    }
    return stream;
  }

  existing(apiKey: string): AccountStream | undefined {
    return this.accounts.get(apiKey);
  }

  connected(stream: AccountStream): boolean {
    return this.placed.get(stream)?.open === true;
  }

  ensure(stream: AccountStream): void {
    if (this.closed || this.placed.has(stream)) return;
    let connection = this.connections.find(
      (candidate) => candidate.accounts.size < this.options.accountsPerConnection,
    );
    if (!connection) connection = this.connect();
    connection.accounts.add(stream);
    this.placed.set(stream, connection);
    if (connection.open) void this.subscribe(connection, stream);
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections) connection.socket.close();
    this.connections.length = 0;
    this.placed.clear();
  }

  private connect(): Connection {
    const socket = this.options.webSocket(this.options.url);
    const connection: Connection = {
      socket,
      open: false,
      accounts: new Set(),
      pending: new Map(),
      bySubscription: new Map(),
    };
    this.connections.push(connection);
    // web-socket-api.md:514: "Connecting to WebSocket API costs 2 weight."
    this.options.governor.observeSpent(2);
    socket.addEventListener('open', () => {
      connection.open = true;
      for (const stream of connection.accounts) void this.subscribe(connection, stream);
    });
    socket.addEventListener('message', (message) => this.onMessage(connection, message.data));
    socket.addEventListener('close', () => this.onClose(connection));
    socket.addEventListener('error', () => undefined);
    return connection;
  }

  private async subscribe(connection: Connection, stream: AccountStream): Promise<void> {
    // web-socket-api.md:8323-8324: weight 2.
    await this.options.governor.acquire(2);
    if (!connection.open) return;
    const id = String(this.nextRequestId++);
    const params: Record<string, string | number> = {
      apiKey: stream.apiKey,
      recvWindow: this.options.recvWindowMs,
      timestamp: this.options.timestamp(),
    };
    // web-socket-api.md:759-810: HMAC-SHA256 of the params sorted by name, `name=value` joined by `&`.
    const payload = Object.keys(params)
      .sort()
      .map((name) => `${name}=${params[name]}`)
      .join('&');
    const signature = createHmac('sha256', stream.secret).update(payload).digest('hex');
    connection.pending.set(id, stream);
    connection.socket.send(
      JSON.stringify({ id, method: 'userDataStream.subscribe.signature', params: { ...params, signature } }),
    );
  }

  private onMessage(connection: Connection, data: unknown): void {
    let message: {
      id?: unknown;
      status?: number;
      result?: { subscriptionId?: number };
      subscriptionId?: number;
      event?: Record<string, unknown>;
    };
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.id !== undefined && message.id !== null) {
      const stream = connection.pending.get(String(message.id));
      if (!stream) return;
      connection.pending.delete(String(message.id));
      const subscriptionId = message.result?.subscriptionId;
      if (message.status === 200 && typeof subscriptionId === 'number') {
        connection.bySubscription.set(subscriptionId, stream);
        stream.onSubscribed();
      } else {
        // Refused (a bad key, -1021…): REST answers for this account; tried again on the next reconnect.
        stream.subscribed = false;
      }
      return;
    }
    if (typeof message.subscriptionId === 'number' && message.event) {
      connection.bySubscription.get(message.subscriptionId)?.onEvent(message.event, this.options.clock.now());
      return;
    }
    // web-socket-api.md:368-383 serverShutdown: reconnect now.
    if (message.event?.e === 'serverShutdown') connection.socket.close();
  }

  private onClose(connection: Connection): void {
    connection.open = false;
    const index = this.connections.indexOf(connection);
    if (index >= 0) this.connections.splice(index, 1);
    const orphans = [...connection.accounts];
    for (const stream of orphans) {
      stream.subscribed = false;
      this.placed.delete(stream);
    }
    if (this.closed || orphans.length === 0) return;
    // Reconnect after a pause on the clock; each account's views start again (REST reconciles).
    void this.options.clock.sleep(this.options.reconnectDelayMs).then(() => {
      if (this.closed) return;
      for (const stream of orphans) this.ensure(stream);
    });
  }
}
