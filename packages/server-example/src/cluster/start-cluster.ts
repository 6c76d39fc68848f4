import type { Clock } from '@trd/core';
import type { PostgresStore } from '@trd/store-postgres';
import type { UserEventHub } from '../realtime/user-event-hub';
import type { TradingEngine } from '../server/server-deps';
import { shareEngineEvents } from './cluster-events';
import { createLeaseHolderLookup } from './lease-holder';
import { createNotifyConnection } from './notify-connection';
import { createOwnerCommands } from './owner-commands';

/** What the server needs of the processes sharing its database (see the README's scale-out). */
export interface Cluster {
  /** Forwards this engine's user events to other processes, and theirs to `hub`. Returns the detach. */
  shareEvents(hub: UserEventHub): () => void;
  /** A manual close, executed by the engine that trades the user. */
  closeTrade(userId: string, tradeId: string): Promise<void>;
  /** Whether the dedicated connection is up (`GET /health`'s `cluster` check). */
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * Joins the server processes on one PostgreSQL: one dedicated connection listens on
 * `<channel>_events` (users' events) and `<channel>_commands` (commands for a user's owner).
 */
export async function startCluster(options: {
  url: string;
  channel: string;
  store: Pick<PostgresStore, 'query' | 'claimUsers'>;
  engine: TradingEngine & { readonly instanceId: string };
  clock: Clock;
  claimTtlMs: number;
  commandTimeoutMs: number;
  /** How long the first LISTEN may take, ms (default 30 000). */
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}): Promise<Cluster> {
  const events = `${options.channel}_events`;
  const commandsChannel = `${options.channel}_commands`;
  const connection = createNotifyConnection({
    url: options.url,
    channels: [events, commandsChannel],
    ...(options.log ? { log: options.log } : {}),
  });
  // A database that takes connections but refuses LISTEN would otherwise hold the start forever.
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error('could not LISTEN on the cluster channels within 30 s')),
      options.readyTimeoutMs ?? 30_000,
    );
  });
  try {
    await Promise.race([connection.ready(), gaveUp]);
  } catch (error) {
    await connection.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const { engine, store } = options;
  const commands = createOwnerCommands({
    engine,
    instanceId: engine.instanceId,
    connection,
    channel: commandsChannel,
    leaseHolder: createLeaseHolderLookup(store, options.clock),
    claim: async (userId) =>
      (await store.claimUsers(engine.instanceId, [userId], options.claimTtlMs)).includes(userId),
    timeoutMs: options.commandTimeoutMs,
    retryAfterSeconds: Math.max(1, Math.ceil(options.claimTtlMs / 1000)),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    shareEvents: (hub) =>
      shareEngineEvents({
        engine,
        hub,
        connection,
        channel: events,
        origin: engine.instanceId,
        now: () => options.clock.now(),
      }),
    closeTrade: (userId, tradeId) => commands.closeTrade(userId, tradeId),
    connected: () => connection.connected,
    async close() {
      commands.detach();
      await connection.close();
    },
  };
}
