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
 * the `ws` package is used, the one ccxt itself depends on (resolved from ccxt's location, so the
 * adapter adds no dependency of its own).
 */
export function defaultWebSocketFactory(): WebSocketFactory {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return (url) => new global(url);
  const require = createRequire(import.meta.url);
  const fromCcxt = createRequire(require.resolve('ccxt'));
  const ws = fromCcxt('ws') as WebSocketConstructor;
  return (url) => new ws(url);
}
