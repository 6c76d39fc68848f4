import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../server/http-errors';
import type { ServerMetrics } from './server-metrics';

/** True when `given` is the token, compared in constant time (no timing oracle on the token). */
function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` for Prometheus, behind its own bearer token (`METRICS_TOKEN`, not a user's JWT:
 * a scraper is not a user), and every answered request timed by its route pattern. Without a
 * token the route does not exist (404): metrics are never public by accident.
 */
export function registerMetrics(
  app: FastifyInstance,
  metrics: ServerMetrics,
  token: string | undefined,
): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp({
      method: request.method,
      // The pattern (`/trading/trades/:id`), never the raw URL: one series per route.
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  if (!token) return;
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sameToken(given, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendError(reply, 401, 'metrics need the METRICS_TOKEN bearer token');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
