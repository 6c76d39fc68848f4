import { defaultTradingConfig, type TradingConfig } from '@trd/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import {
  configResponseSchema,
  configUpdateBodySchema,
  errorResponses,
  messageResponseSchema,
  positionsResponseSchema,
  tradeIdParamsSchema,
  tradePageResponseSchema,
  tradeResponseSchema,
  tradesQuerySchema,
} from '../server/api-schemas';
import { RequestValidationError, refuseBody, sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';
import { presentPosition } from './presenters';

/** A user's config, or the reference bot's defaults for a user who never saved one. */
export async function loadConfig(deps: ServerDeps, userId: string): Promise<TradingConfig> {
  return (await deps.store.getConfig(userId)) ?? initialConfig(deps, userId);
}

function initialConfig(deps: ServerDeps, userId: string): TradingConfig {
  return defaultTradingConfig(userId, { symbol: deps.symbols[0] ?? 'BTCUSDT' });
}

export function tradingRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const engineView = {
    tradingHours: deps.settings.tradingHours,
    cycleSeconds: deps.settings.cycleMs / 1000,
    monitorSeconds: deps.settings.monitorMs / 1000,
    positionTimeoutMinutes: deps.settings.positionTimeoutMs / 60_000,
    exchange: deps.settings.exchange,
    analyzer: deps.settings.analyzer,
    demoMode: deps.settings.demoMode,
    symbols: [...deps.symbols],
  };
  const present = (config: TradingConfig) => {
    const { userId: _userId, ...rest } = config;
    return { ...rest, engine: engineView };
  };

  return async (app) => {
    // Authenticate before the body is even read.
    app.addHook('onRequest', app.authenticate);

    // Only the flag changes, atomically: a concurrent PUT /trading/config is not undone.
    const setActive = (userId: string, isActive: boolean) =>
      deps.store.updateConfig(userId, { isActive }, initialConfig(deps, userId));

    app.post(
      '/trading/start',
      {
        preValidation: refuseBody,
        schema: {
          tags: ['trading'],
          summary:
            'Join the trading loop, on your own account: 400 without stored exchange keys, 403 for anyone but the operator in single-operator mode',
          security: [{ bearerAuth: [] }],
          response: { 200: messageResponseSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        // Fails early (NoTradingAccountError: 400 or 403) when the user has no account of their own.
        await deps.accountFor(callerId(request));
        const config = await setActive(callerId(request), true);
        request.log.info({ userId: config.userId, symbol: config.symbol }, 'trading started');
        return { message: `trading started on ${config.symbol}` };
      },
    );

    app.post(
      '/trading/stop',
      {
        preValidation: refuseBody,
        schema: {
          tags: ['trading'],
          summary: 'Leave the trading loop (open positions are still monitored)',
          security: [{ bearerAuth: [] }],
          response: { 200: messageResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const config = await setActive(callerId(request), false);
        request.log.info({ userId: config.userId }, 'trading stopped');
        return { message: 'trading stopped; open positions stay monitored until they exit' };
      },
    );

    app.get(
      '/trading/config',
      {
        schema: {
          tags: ['trading'],
          summary: "The caller's trading config and the server's engine settings",
          security: [{ bearerAuth: [] }],
          response: { 200: configResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => present(await loadConfig(deps, callerId(request))),
    );

    app.put(
      '/trading/config',
      {
        schema: {
          tags: ['trading'],
          summary: 'Change some settings of the caller’s trading config',
          security: [{ bearerAuth: [] }],
          body: configUpdateBodySchema,
          response: { 200: configResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const update = request.body;
        if (update.symbol !== undefined && !deps.symbols.includes(update.symbol)) {
          throw new RequestValidationError([
            { field: 'body.symbol', message: `must be one of ${deps.symbols.join(', ')}` },
          ]);
        }
        // Only the fields sent change, atomically (core's schema has the last word on validity):
        // parallel PUTs of different fields all take effect.
        const userId = callerId(request);
        return present(await deps.store.updateConfig(userId, update, initialConfig(deps, userId)));
      },
    );

    app.get(
      '/trading/trades',
      {
        schema: {
          tags: ['trading'],
          summary: "The caller's trades, newest first",
          security: [{ bearerAuth: [] }],
          querystring: tradesQuerySchema,
          response: { 200: tradePageResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const { limit, offset, status } = request.query;
        const page = await deps.store.listTrades(callerId(request), {
          limit,
          offset,
          ...(status ? { status } : {}),
        });
        return { trades: page.trades, total: page.total, limit, offset };
      },
    );

    app.get(
      '/trading/positions',
      {
        schema: {
          tags: ['trading'],
          summary: "The caller's open positions",
          security: [{ bearerAuth: [] }],
          response: { 200: positionsResponseSchema, ...errorResponses(401) },
        },
      },
      async (request) => ({
        positions: (await deps.store.openPositions(callerId(request))).map(presentPosition),
      }),
    );

    app.post(
      '/trading/close/:trade_id',
      {
        preValidation: refuseBody,
        schema: {
          tags: ['trading'],
          summary: 'Close one of the caller’s open trades at market (exit reason MANUAL)',
          security: [{ bearerAuth: [] }],
          params: tradeIdParamsSchema,
          response: { 200: tradeResponseSchema, ...errorResponses(400, 401, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const userId = callerId(request);
        const tradeId = request.params.trade_id;
        // Another user's trade is indistinguishable from a missing one.
        const trade = await deps.store.getTrade(userId, tradeId);
        if (!trade) return sendError(reply, 404, 'trade not found');
        if (trade.status !== 'filled') return sendError(reply, 409, `trade is ${trade.status}, not open`);
        // On the engine that trades the user, whichever process took the request (503 with
        // Retry-After when it does not answer in time).
        if (deps.cluster) await deps.cluster.closeTrade(userId, tradeId);
        else await deps.engine.closeTrade(userId, tradeId);
        const closed = await deps.store.getTrade(userId, tradeId);
        request.log.info({ userId, tradeId }, 'trade closed manually');
        return { trade: closed ?? trade };
      },
    );
  };
}
