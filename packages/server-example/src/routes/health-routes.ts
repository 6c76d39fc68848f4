import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../server/api-schemas';
import type { ServerDeps } from '../server/server-deps';

const CHECK_TIMEOUT_MS = 2_000;

export function healthRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Liveness and dependency checks',
          response: { 200: healthResponseSchema, 503: healthResponseSchema },
        },
      },
      async (_request, reply) => {
        const entries = await Promise.all(
          Object.entries(deps.healthChecks ?? {}).map(
            async ([name, check]) => [name, await runCheck(check)] as const,
          ),
        );
        const checks = Object.fromEntries(entries);
        const healthy = entries.every(([, ok]) => ok);
        return reply
          .code(healthy ? 200 : 503)
          .send({ status: healthy ? 'ok' : 'degraded', time: deps.clock.now(), checks });
      },
    );
  };
}

async function runCheck(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
