import type { TradingBotEvents } from '@trd/core';
import {
  type SocketMessage,
  toSocketMessage,
  USER_EVENTS,
  type UserEventName,
} from '../realtime/engine-messages';
import type { UserEventHub } from '../realtime/user-event-hub';
import type { TradingEngine } from '../server/server-deps';
import type { NotifyConnection } from './notify-connection';
import { encodeFrames, FrameAssembler } from './notify-frames';

/** What crosses between processes: one user's socket message (already free of secrets). */
interface SharedEvent {
  userId: string;
  message: SocketMessage;
}

/**
 * Makes a user's events reach their sockets on every server process: this process's engine events
 * go out on `channel` (the hub delivers them here directly), and what other processes' engines
 * send is handed to this process's hub. Each socket gets each event once, in the order its engine
 * emitted it (one sending connection per process). After the connection was lost and restored,
 * every socket here gets `{ type: 'resync' }`. Returns the detach function.
 */
export function shareEngineEvents(options: {
  engine: TradingEngine;
  hub: UserEventHub;
  connection: NotifyConnection;
  channel: string;
  /** This process (its engine's instance id): its own notifications come back and are skipped. */
  origin: string;
  /** Time of the `resync` message, Unix ms (the server's clock). Default `Date.now`. */
  now?: () => number;
}): () => void {
  const { engine, hub, connection, channel, origin } = options;
  const now = options.now ?? Date.now;
  // Events sent while the connection was down are lost (NOTIFY is not durable): every socket here
  // is told to read its state again over HTTP.
  connection.onReconnect(() =>
    hub.publishToAll({ type: 'resync', at: now(), reason: 'events may have been missed' }),
  );
  const assembler = new FrameAssembler();
  let sequence = 0;
  const detach: (() => void)[] = [];
  for (const event of USER_EVENTS) {
    const listener = (payload: TradingBotEvents[UserEventName][0]) => {
      if (!payload.userId) return;
      const shared: SharedEvent = {
        userId: payload.userId,
        message: toSocketMessage(event, payload as never),
      };
      void connection.notify(channel, encodeFrames(origin, String(++sequence), JSON.stringify(shared)));
    };
    engine.on(event, listener as never);
    detach.push(() => engine.off(event, listener as never));
  }
  detach.push(
    connection.listen(channel, (payload) => {
      const frame = assembler.accept(payload);
      if (!frame || frame.origin === origin) return;
      const shared = JSON.parse(frame.body) as Partial<SharedEvent>;
      if (typeof shared.userId !== 'string' || typeof shared.message?.type !== 'string') return;
      hub.publish(shared.userId, shared.message);
    }),
  );
  return () => {
    for (const off of detach) off();
  };
}
