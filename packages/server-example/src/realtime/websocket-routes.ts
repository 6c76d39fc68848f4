import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../server/http-errors';
import type { UserEventHub } from './user-event-hub';

/** Subprotocol the dashboard asks for; the token travels as a second offered protocol `bearer.<jwt>`. */
export const WEBSOCKET_PROTOCOL = 'trd.v1';
const TOKEN_PROTOCOL_PREFIX = 'bearer.';

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
  app.get(
    '/ws',
    {
      websocket: true,
      schema: { hide: true },
      // Runs before the upgrade: a refused handshake gets a plain HTTP error and no socket.
      preValidation: async (request, reply) => {
        if (!originAllowed(request.headers.origin, request.headers.host, options.allowedOrigins)) {
          return sendError(reply, 403, 'origin not allowed');
        }
        const token = tokenFrom(request);
        if (!token) return sendError(reply, 401, 'missing token');
        try {
          request.user = app.verifyAccessToken(token);
        } catch {
          return sendError(reply, 401, 'invalid or expired token');
        }
      },
    },
    (socket, request) => {
      const userId = request.user.sub;
      options.hub.add(userId, socket);
      socket.on('close', () => options.hub.remove(userId, socket));
      socket.on('message', (data) => {
        // The socket is server-to-client; the only thing a client may say is ping.
        if (data.toString() === '{"type":"ping"}')
          socket.send(JSON.stringify({ type: 'pong', at: options.now() }));
      });
      socket.send(JSON.stringify({ type: 'connected', at: options.now(), userId }));
    },
  );
}
