import type { TradingBotEvents } from '@trd/core';
import type { WebSocket } from 'ws';
import type { TradingEngine } from '../server/server-deps';
import { type SocketMessage, toSocketMessage, USER_EVENTS, type UserEventName } from './engine-messages';

/**
 * What one connection may cost: a client with this much unsent data is not reading, and is closed
 * rather than grow the server's memory (a client that pinged 2M times without reading took the
 * server from 176 to 713 MiB).
 */
export const MAX_BUFFERED_BYTES = 256 * 1024;

/** Keeps each user's open sockets and delivers a user's engine events to that user only. */
export class UserEventHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();

  add(userId: string, socket: WebSocket): void {
    let set = this.sockets.get(userId);
    if (!set) {
      set = new Set();
      this.sockets.set(userId, set);
    }
    set.add(socket);
  }

  remove(userId: string, socket: WebSocket): void {
    const set = this.sockets.get(userId);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.sockets.delete(userId);
  }

  connections(userId?: string): number {
    if (userId !== undefined) return this.sockets.get(userId)?.size ?? 0;
    let total = 0;
    for (const set of this.sockets.values()) total += set.size;
    return total;
  }

  publish(userId: string, message: SocketMessage): void {
    const set = this.sockets.get(userId);
    if (!set) return;
    const data = JSON.stringify(message);
    for (const socket of [...set]) this.sendOrClose(socket, data);
  }

  /** Sends `message` to every open socket, of every user (e.g. `resync` after missed events). */
  publishToAll(message: SocketMessage): void {
    const data = JSON.stringify(message);
    for (const set of this.sockets.values()) for (const socket of [...set]) this.sendOrClose(socket, data);
  }

  /**
   * Sends `data` unless the socket already holds `MAX_BUFFERED_BYTES` unsent: then the client is
   * not reading and the socket is destroyed at once (its buffers freed). True when sent.
   */
  sendOrClose(socket: WebSocket, data: string): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount + data.length > MAX_BUFFERED_BYTES) {
      socket.terminate();
      return false;
    }
    socket.send(data);
    return true;
  }

  /** Subscribes to the engine's per-user events; returns the unsubscribe function. */
  attach(engine: TradingEngine): () => void {
    const detach: (() => void)[] = [];
    for (const event of USER_EVENTS) {
      const listener = (payload: TradingBotEvents[UserEventName][0]) => {
        if (payload.userId) this.publish(payload.userId, toSocketMessage(event, payload as never));
      };
      engine.on(event, listener as never);
      detach.push(() => engine.off(event, listener as never));
    }
    return () => {
      for (const off of detach) off();
    };
  }

  /** Closes every socket of one user (their sessions were revoked). */
  closeUser(userId: string, code = 4001, reason = 'session revoked'): void {
    for (const socket of this.sockets.get(userId) ?? []) socket.close(code, reason);
    this.sockets.delete(userId);
  }

  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const set of this.sockets.values()) {
      for (const socket of set) socket.close(code, reason);
    }
    this.sockets.clear();
  }
}
