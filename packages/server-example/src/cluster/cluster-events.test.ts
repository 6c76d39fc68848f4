import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '@trd/store-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { UserEventHub } from '../realtime/user-event-hub';
import type { TradingEngine } from '../server/server-deps';
import { shareEngineEvents } from './cluster-events';
import { createNotifyConnection, type NotifyConnection } from './notify-connection';

// Two "processes" (two engines, two hubs, two dedicated connections) on a real PostgreSQL.
let root: string;
let postgres: EmbeddedPostgres;
const opened: NotifyConnection[] = [];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trd-cluster-events-'));
  chmodSync(root, 0o755);
  postgres = await startEmbeddedPostgres({
    dataDir: join(root, 'postgres'),
    postgresFlags: ['-c', 'fsync=off'],
  });
}, 60_000);
afterAll(async () => {
  for (const connection of opened) await connection.close();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A socket of the hub that records what it is sent. */
function recordingSocket() {
  const received: { type: string; [key: string]: unknown }[] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (data: string) => received.push(JSON.parse(data)),
    terminate: () => {},
    close: () => {},
  };
  return { socket: socket as unknown as WebSocket, received };
}

function serverProcess(name: string, channel: string, log: string[] = []) {
  const engine = new EventEmitter() as unknown as TradingEngine & EventEmitter;
  const hub = new UserEventHub();
  hub.attach(engine);
  const connection = createNotifyConnection({
    url: postgres.url,
    channels: [channel],
    reconnectMs: 50,
    log: (line) => log.push(line),
  });
  opened.push(connection);
  const detach = shareEngineEvents({ engine, hub, connection, channel, origin: name });
  return { engine, hub, connection, detach, log };
}

const analysis = (userId: string, reasoning: string) => ({
  userId,
  at: 1,
  symbol: 'BTCUSDT',
  analyzer: 'fake',
  price: '63000',
  signal: { action: 'hold', confidence: 50, reasoning },
  mode: 'personal',
  inputHash: 'h',
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('users’ events across processes (LISTEN/NOTIFY)', () => {
  it('delivers each event once, in order, to the user’s sockets on the other process only, large ones too', async () => {
    const a = serverProcess('a', 'events_once');
    const b = serverProcess('b', 'events_once');
    await Promise.all([a.connection.ready(), b.connection.ready()]);
    const aliceOnA = recordingSocket();
    const aliceOnB = recordingSocket();
    const bobOnB = recordingSocket();
    a.hub.add('alice', aliceOnA.socket);
    b.hub.add('alice', aliceOnB.socket);
    b.hub.add('bob', bobOnB.socket);

    const long = `${'é'.repeat(10_000)}${'why '.repeat(5_000)}`;
    a.engine.emit('position:timeout', { userId: 'alice', at: 1, tradeId: 't1', openedAt: 0 });
    a.engine.emit('analysis', analysis('alice', long));
    a.engine.emit('position:timeout', { userId: 'alice', at: 2, tradeId: 't2', openedAt: 0 });
    await until(() => aliceOnB.received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(aliceOnB.received.map((m) => m.type)).toEqual([
      'position:timeout',
      'analysis',
      'position:timeout',
    ]);
    expect((aliceOnB.received[1]!.signal as { reasoning: string }).reasoning).toBe(long);
    expect(aliceOnA.received).toEqual(aliceOnB.received);
    expect(bobOnB.received).toEqual([]);
  });

  it('reconnects its dedicated connection when PostgreSQL drops it, and carries events again', async () => {
    const aLog: string[] = [];
    const bLog: string[] = [];
    const a = serverProcess('a', 'events_reconnect', aLog);
    const b = serverProcess('b', 'events_reconnect', bLog);
    await Promise.all([a.connection.ready(), b.connection.ready()]);
    const onB = recordingSocket();
    b.hub.add('alice', onB.socket);

    // What a database restart or a network cut does to a connection: the server ends it.
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and query like 'LISTEN events_reconnect%'`,
    );
    await until(
      () => bLog.some((line) => line.includes('restored')) && aLog.some((line) => line.includes('restored')),
    );
    expect(bLog.join('\n')).toMatch(/notification connection lost/);
    expect(bLog.join('\n')).not.toContain(postgres.url);
    await admin.end();

    // B's sockets are told to read their state again: events sent meanwhile may be lost.
    await until(() => onB.received.length === 1);
    expect(onB.received[0]).toMatchObject({ type: 'resync' });
    a.engine.emit('position:timeout', { userId: 'alice', at: 3, tradeId: 't3', openedAt: 0 });
    await until(() => onB.received.length === 2);
    expect(onB.received[1]).toMatchObject({ type: 'position:timeout', tradeId: 't3' });
  });
});
