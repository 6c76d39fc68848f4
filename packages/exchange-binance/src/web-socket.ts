import { createRequire } from 'node:module';

/** The part of a WHATWG `WebSocket` (Node 22's global, or the `ws` package) the stream client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** Opens a WebSocket to `url` (injected in tests; by default the global WebSocket, else `ws`). */
export type WebSocketFactory = (url: string) => WebSocketLike;

type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Node 22 has a global `WebSocket`; Node 20 (this package's minimum) does not without a flag. Then
 * the `ws` package (a dependency of this package) is used.
 */
export function defaultWebSocketFactory(): WebSocketFactory {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return (url) => new global(url);
  const ws = createRequire(import.meta.url)('ws') as WebSocketConstructor;
  return (url) => new ws(url);
}
