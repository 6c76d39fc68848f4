import { VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { RequestWeightGovernor } from './request-weight-governor';
import { UserDataStreamHub } from './user-data-stream';
import type { WebSocketLike } from './web-socket';

/** A WebSocket the test drives: it opens, answers and closes when told. */
function scriptedSocket() {
  // biome-ignore lint/suspicious/noExplicitAny: listeners of several event types in one table
  const listeners: Record<string, ((event?: any) => void)[]> = {};
  const sent: Record<string, unknown>[] = [];
  const socket: WebSocketLike = {
    readyState: 1,
    send: (data) => sent.push(JSON.parse(data)),
    close: () => {
      for (const listener of listeners.close ?? []) listener();
    },
    addEventListener: ((type: string, listener: (event?: unknown) => void) => {
      listeners[type] = [...(listeners[type] ?? []), listener];
    }) as WebSocketLike['addEventListener'],
  };
  const emit = (type: string, data?: unknown) => {
    for (const listener of listeners[type] ?? [])
      listener(data === undefined ? undefined : { data: JSON.stringify(data) });
  };
  return { socket, sent, emit };
}

function setup() {
  const clock = new VirtualClock(1_000_000);
  const sockets: ReturnType<typeof scriptedSocket>[] = [];
  const hub = new UserDataStreamHub({
    url: 'ws://127.0.0.1:1/ws-api/v3',
    clock,
    timestamp: () => clock.now(),
    recvWindowMs: 5000,
    webSocket: () => {
      const scripted = scriptedSocket();
      sockets.push(scripted);
      return scripted.socket;
    },
    governor: new RequestWeightGovernor(clock),
    maxLagMs: 5000,
    reconnectDelayMs: 1000,
    accountsPerConnection: 2,
  });
  return { clock, hub, sockets };
}

async function subscribe(scripted: ReturnType<typeof scriptedSocket>, index: number, subscriptionId: number) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const request = scripted.sent[index] as { id: string; params: Record<string, unknown> };
  scripted.emit('message', { id: request.id, status: 200, result: { subscriptionId } });
  return request;
}

const list = {
  orderListId: 7,
  contingencyType: 'OCO',
  listStatusType: 'EXEC_STARTED',
  listOrderStatus: 'EXECUTING',
  listClientOrderId: 'exit-7',
  transactionTime: 1,
  symbol: 'BTCUSDT',
  orders: [
    { symbol: 'BTCUSDT', orderId: 70, clientOrderId: 'a' },
    { symbol: 'BTCUSDT', orderId: 71, clientOrderId: 'b' },
  ],
};
const leg = (orderId: number, status: string, executedQty = '0') => ({
  symbol: 'BTCUSDT',
  orderId,
  clientOrderId: String(orderId),
  status,
  executedQty,
  cummulativeQuoteQty: '0',
});

describe('UserDataStreamHub', () => {
  it('signs the subscription over the sorted params and puts two accounts on one connection, a third on the next', async () => {
    const { hub, sockets } = setup();
    for (const index of [1, 2, 3]) hub.account(`key-${index}`, `secret-${index}`).ensure();
    expect(sockets).toHaveLength(2);
    sockets[0]?.emit('open');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sockets[0]?.sent).toHaveLength(2);
    expect(sockets[0]?.sent[0]).toMatchObject({
      method: 'userDataStream.subscribe.signature',
      params: {
        apiKey: 'key-1',
        recvWindow: 5000,
        timestamp: 1_000_000,
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  it('trusts a view only under the subscription it was seeded in; a reconnect starts again', async () => {
    const { hub, sockets, clock } = setup();
    const stream = hub.account('key', 'secret');
    stream.ensure();
    sockets[0]?.emit('open');
    await subscribe(sockets[0] as ReturnType<typeof scriptedSocket>, 0, 0);
    expect(stream.healthy()).toBe(true);
    stream.seedExit(list, [leg(70, 'NEW'), leg(71, 'NEW')], stream.trustedEpoch());
    expect(stream.exitView('7')?.list.listOrderStatus).toBe('EXECUTING');
    // An older REST answer does not undo a newer event.
    sockets[0]?.emit('message', {
      subscriptionId: 0,
      event: {
        e: 'executionReport',
        E: clock.now(),
        i: 70,
        s: 'BTCUSDT',
        c: 'a',
        g: 7,
        x: 'TRADE',
        X: 'FILLED',
        z: '1',
        Z: '10',
        l: '1',
        L: '10',
        Y: '10',
        n: '0.01',
        N: 'USDT',
        q: '1',
        p: '10',
        P: '0',
        o: 'LIMIT_MAKER',
        S: 'SELL',
        T: 5,
        O: 1,
      },
    });
    stream.seedExit(list, [leg(70, 'NEW'), leg(71, 'NEW')], stream.trustedEpoch());
    expect(stream.exitView('7')?.legs[0]?.order.status).toBe('FILLED');
    expect(stream.exitView('7')?.legs[0]?.tradesComplete).toBe(true);

    sockets[0]?.socket.close();
    expect(stream.healthy()).toBe(false);
    expect(stream.exitView('7')).toBeUndefined();
    await clock.advance(1000);
    expect(sockets).toHaveLength(2);
    sockets[1]?.emit('open');
    await subscribe(sockets[1] as ReturnType<typeof scriptedSocket>, 0, 0);
    expect(stream.healthy()).toBe(true);
    expect(stream.exitView('7')).toBeUndefined();
  });

  it('marks the stream lagging on an old event, and balances wait for a snapshot, then follow events', async () => {
    const { hub, sockets, clock } = setup();
    const stream = hub.account('key', 'secret');
    stream.ensure();
    sockets[0]?.emit('open');
    await subscribe(sockets[0] as ReturnType<typeof scriptedSocket>, 0, 0);
    const position = (u: number, free: string) => ({
      subscriptionId: 0,
      event: { e: 'outboundAccountPosition', E: clock.now(), u, B: [{ a: 'USDT', f: free, l: '0' }] },
    });
    sockets[0]?.emit('message', position(clock.now() + 1, '90'));
    expect(stream.balances()).toBeUndefined();
    // The snapshot is older than the event that came first: the event applies on top.
    stream.seedBalances({ USDT: { free: '100', locked: '0' } }, clock.now(), stream.trustedEpoch());
    expect(stream.balances()).toEqual({ USDT: { free: '90', locked: '0' } });
    sockets[0]?.emit('message', {
      subscriptionId: 0,
      event: { ...position(clock.now() + 2, '80').event, E: clock.now() - 6000 },
    });
    expect(stream.lagging).toBe(true);
    expect(stream.balances()).toBeUndefined();
  });
});
