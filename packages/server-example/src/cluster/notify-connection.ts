import pg from 'pg';

/** A PostgreSQL channel name as TRD uses them: lower case, so it needs no quoting. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export interface NotifyConnectionOptions {
  /** postgres:// URL of the database every server process shares. */
  url: string;
  /** Channels to `LISTEN` on. */
  channels: readonly string[];
  /** First wait before reconnecting, ms (doubles up to `maxReconnectMs`). Default 250. */
  reconnectMs?: number;
  /** Default 5 000. */
  maxReconnectMs?: number;
  /** Connection lost, reconnected, a message dropped: never the URL or a payload. */
  log?: (message: string) => void;
}

export interface NotifyConnection {
  /**
   * Sends `payloads` on `channel`, in order, after everything sent before (one connection, so
   * PostgreSQL delivers them in this order). Resolves once sent; while the connection is down
   * they are dropped (`NOTIFY` is not durable: a listener that is down misses them too) and it
   * resolves false.
   */
  notify(channel: string, payloads: readonly string[]): Promise<boolean>;
  /** Calls `listener` with every payload received on `channel`. Returns the unsubscribe. */
  listen(channel: string, listener: (payload: string) => void): () => void;
  /** Called after a reconnect (notifications sent meanwhile were missed). */
  onReconnect(listener: () => void): void;
  /** Resolves once connected and listening the first time. */
  ready(): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

/**
 * One dedicated PostgreSQL connection (outside the store's pool, which hands connections around
 * and would drop a `LISTEN`) that listens on the deployment's channels and sends its
 * notifications, reconnecting with backoff when the database or the network drops it.
 */
export function createNotifyConnection(options: NotifyConnectionOptions): NotifyConnection {
  for (const channel of options.channels) {
    if (!CHANNEL.test(channel)) throw new Error(`invalid channel name ${channel}`);
  }
  const base = options.reconnectMs ?? 250;
  const max = options.maxReconnectMs ?? 5_000;
  const log = options.log ?? (() => {});
  const listeners = new Map<string, Set<(payload: string) => void>>();
  const reconnectListeners: (() => void)[] = [];
  let client: pg.Client | null = null;
  let closed = false;
  let everConnected = false;
  let retry: NodeJS.Timeout | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let resolveReady!: () => void;
  const firstReady = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    const candidate = new pg.Client({ connectionString: options.url });
    // Without a listener an 'error' (the server went away) would crash the process.
    candidate.on('error', (error) => lost(candidate, error.message));
    candidate.on('end', () => lost(candidate, 'connection ended'));
    candidate.on('notification', (message) => {
      if (message.payload === undefined) return;
      for (const listener of listeners.get(message.channel) ?? []) {
        try {
          listener(message.payload);
        } catch (error) {
          log(`a listener on ${message.channel} failed: ${(error as Error).message}`);
        }
      }
    });
    try {
      await candidate.connect();
      for (const channel of options.channels) await candidate.query(`LISTEN ${channel}`);
    } catch (error) {
      candidate.removeAllListeners('end');
      await candidate.end().catch(() => {});
      if (closed) return;
      const wait = Math.min(max, base * 2 ** attempt);
      log(`notification connection failed (${(error as Error).message}); retrying in ${wait} ms`);
      retry = setTimeout(() => void connect(attempt + 1), wait);
      return;
    }
    if (closed) {
      await candidate.end().catch(() => {});
      return;
    }
    client = candidate;
    if (everConnected) {
      log('notification connection restored');
      for (const listener of reconnectListeners) listener();
    }
    everConnected = true;
    resolveReady();
  };

  const lost = (which: pg.Client, why: string) => {
    if (client !== which) return;
    client = null;
    if (closed) return;
    log(`notification connection lost (${why}); reconnecting`);
    which.removeAllListeners('notification');
    void which.end().catch(() => {});
    retry = setTimeout(() => void connect(0), base);
  };

  void connect(0);

  return {
    notify(channel, payloads) {
      if (!CHANNEL.test(channel)) return Promise.reject(new Error(`invalid channel name ${channel}`));
      const sent = chain.then(async () => {
        const current = client;
        if (!current) {
          log(`not connected: ${payloads.length} notification(s) on ${channel} dropped`);
          return false;
        }
        try {
          for (const payload of payloads) await current.query('select pg_notify($1, $2)', [channel, payload]);
          return true;
        } catch (error) {
          log(`notification on ${channel} not sent: ${(error as Error).message}`);
          return false;
        }
      });
      chain = sent;
      return sent;
    },
    listen(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    ready: () => firstReady,
    get connected() {
      return client !== null;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      await chain.catch(() => {});
      const current = client;
      client = null;
      if (current) await current.end().catch(() => {});
    },
  };
}
