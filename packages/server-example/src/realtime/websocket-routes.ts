import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { sendError } from '../server/http-errors';
import type { UserEventHub } from './user-event-hub';

/** Subprotocol the dashboard asks for; the token travels as a second offered protocol `bearer.<jwt>`. */
export const WEBSOCKET_PROTOCOL = 'trd.v1';
const TOKEN_PROTOCOL_PREFIX = 'bearer.';
/** A client says at most this much per second (pings); more closes the socket (1008). */
export const MAX_MESSAGES_PER_SECOND = 20;

function tokenFrom(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown>;
  if (typeof query.token === 'string' && query.token.length > 0) return query.token;
  const offered = request.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return undefined;
  return offered
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
    ?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

/** A browser page may only connect from this server's own origin or an explicitly allowed one. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true; // not a browser: the token alone decides
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function registerWebsocketRoutes(
  app: FastifyInstance,
  options: { hub: UserEventHub; allowedOrigins: readonly string[]; now: () => number },
): void {
  const handshake = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!originAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
      return sendError(reply, 403, 'origin not allowed');
    }
    const token = tokenFrom(request);
    if (!token) return sendError(reply, 401, 'missing token');
    try {
      // The same rules as every route: signature, expiry, and a live session of an existing user.
      request.user = await app.verifyAccessToken(token);
    } catch {
      return sendError(reply, 401, 'invalid or expired token');
    }
    // The reference bot's clients connect to `/ws/{user_id}`: the id must be the token's.
    const pathUserId = (request.params as { user_id?: string }).user_id;
    if (pathUserId !== undefined && pathUserId !== request.user.sub) {
      return sendError(reply, 403, 'the path names another user than the token');
    }
  };
  const connect = (socket: WebSocket, request: FastifyRequest) => {
    const userId = request.user.sub;
    options.hub.add(userId, socket);
    socket.on('close', () => options.hub.remove(userId, socket));
    let windowStart = Date.now();
    let messagesInWindow = 0;
    socket.on('message', (data) => {
      // Wall time, not the trading clock: this bounds what a connection costs per real second.
      const now = Date.now();
      if (now - windowStart >= 1_000) {
        windowStart = now;
        messagesInWindow = 0;
      }
      if (++messagesInWindow > MAX_MESSAGES_PER_SECOND) {
        socket.close(1008, 'too many messages');
        return;
      }
      // The socket is server-to-client; the only thing a client may say is ping. A client that
      // sends but does not read gets no answer queued past the hub's bound: it is closed.
      if (data.toString() === '{"type":"ping"}')
        options.hub.sendOrClose(socket, JSON.stringify({ type: 'pong', at: options.now() }));
    });
    socket.send(JSON.stringify({ type: 'connected', at: options.now(), userId }));
  };

  // Runs before the upgrade: a refused handshake gets a plain HTTP error and no socket.
  app.get('/ws', { websocket: true, schema: { hide: true }, preValidation: handshake }, connect);
  app.get('/ws/:user_id', { websocket: true, schema: { hide: true }, preValidation: handshake }, connect);
}
