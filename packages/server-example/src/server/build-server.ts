import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { registerMetrics } from '../metrics/metrics-route';
import { UserEventHub } from '../realtime/user-event-hub';
import { registerWebsocketRoutes, WEBSOCKET_PROTOCOL } from '../realtime/websocket-routes';
import { accountRoutes } from '../routes/account-routes';
import { analysisRoutes } from '../routes/analysis-routes';
import { authRoutes } from '../routes/auth-routes';
import { healthRoutes } from '../routes/health-routes';
import { marketRoutes } from '../routes/market-routes';
import { notificationRoutes } from '../routes/notification-routes';
import { portfolioRoutes } from '../routes/portfolio-routes';
import { tradingRoutes } from '../routes/trading-routes';
import { registerAuthentication } from '../security/authentication';
import { LIGHTWEIGHT_CHARTS_STANDALONE, lightweightChartsDist } from '../vendor/lightweight-charts';
import { registerErrorHandlers } from './error-handler';
import { errorBody } from './http-errors';
import { registerJsonBodyParser } from './json-body';
import { responseSerializerCompiler } from './response-serializer';
import { registerSecurityHeaders } from './security-headers';
import type { ServerDeps } from './server-deps';
import { refuseBadText } from './text-rules';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface TrdServer {
  app: FastifyInstance;
  /** Each user's sockets; the engine's events are already attached. */
  hub: UserEventHub;
  /** Detaches from the engine, closes every socket, then the HTTP server. */
  close(): Promise<void>;
}

/**
 * Assembles the HTTP API, the WebSocket and the dashboard around injected dependencies. It does
 * not start or stop the engine and does not open or close the store: the caller owns those.
 */
export async function buildServer(deps: ServerDeps): Promise<TrdServer> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Path parameters are short ids; anything bigger is abuse.
    routerOptions: { maxParamLength: 200 },
    // The router's own refusals (a malformed URL) answer in the documented error shape too.
    frameworkErrors: (error, _request, reply) => {
      const statusCode = (error as { statusCode?: number }).statusCode ?? 400;
      void (reply as FastifyReply).code(statusCode).send(errorBody(statusCode, error.message));
    },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandlers(app);
  registerJsonBodyParser(app);
  // Before every route's schema: NUL, lone surrogates and deep nesting are a 400 naming the field.
  app.addHook('preValidation', refuseBadText);

  registerSecurityHeaders(app);
  await app.register(fastifyRateLimit, {
    global: true,
    max: deps.security.rateLimitPerMinute,
    timeWindow: 60_000,
  });
  await registerAuthentication(app, {
    secret: deps.security.jwtSecret,
    tokenTtlSeconds: deps.security.tokenTtlSeconds,
    sessionVersion: (userId) => deps.users.sessionVersion(userId),
  });
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: 4096,
      handleProtocols: (protocols: Set<string>) =>
        protocols.has(WEBSOCKET_PROTOCOL) ? WEBSOCKET_PROTOCOL : false,
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'TRD example server',
        description: 'Multi-user, AI-assisted paper and testnet trading: the reference bot API.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(fastifyStatic, {
    root: join(packageRoot, 'public'),
    prefix: '/',
    index: ['index.html'],
  });
  await app.register(fastifyStatic, {
    root: lightweightChartsDist(),
    prefix: '/vendor/lightweight-charts/',
    decorateReply: false,
    allowedPath: (path) => path === `/${LIGHTWEIGHT_CHARTS_STANDALONE}`,
  });

  const hub = new UserEventHub();
  if (deps.metrics) {
    registerMetrics(app, deps.metrics, deps.metricsToken);
    deps.metrics.setWebSocketConnections(() => hub.connections());
  }
  await app.register(healthRoutes(deps));
  await app.register(authRoutes(deps, hub));
  await app.register(tradingRoutes(deps));
  await app.register(analysisRoutes(deps));
  await app.register(portfolioRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(notificationRoutes(deps));
  await app.register(marketRoutes(deps));

  const detachLocal = hub.attach(deps.engine);
  const detachShared = deps.cluster?.shareEvents(hub);
  const detach = () => {
    detachLocal();
    detachShared?.();
  };
  app.register(async (scope) => {
    registerWebsocketRoutes(scope, {
      hub,
      allowedOrigins: deps.security.allowedOrigins,
      now: () => deps.clock.now(),
    });
  });

  await app.ready();
  let closed = false;
  return {
    app,
    hub,
    async close() {
      if (closed) return;
      closed = true;
      detach();
      hub.closeAll();
      await app.close();
    },
  };
}
