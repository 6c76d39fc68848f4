import type { FastifyInstance } from 'fastify';

/** The dashboard loads only its own files and talks only to its own origin (HTTP and WebSocket). */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // lightweight-charts sets inline styles on its elements; scripts stay strictly 'self'.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Headers every answer carries; the strict CSP on everything but the Swagger UI (inline scripts). */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/docs')) reply.header('content-security-policy', DASHBOARD_CSP);
    return payload;
  });
}
