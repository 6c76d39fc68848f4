import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { candlesQuerySchema, candlesResponseSchema, errorResponses } from '../server/api-schemas';
import { sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

export function marketRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Authenticate before the body is even read.
    app.addHook('onRequest', app.authenticate);

    app.get(
      '/market/candles',
      {
        schema: {
          tags: ['market'],
          summary: 'Recent 1m candles of a traded symbol (for the price chart)',
          security: [{ bearerAuth: [] }],
          querystring: candlesQuerySchema,
          response: { 200: candlesResponseSchema, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const symbol = request.query.symbol ?? deps.symbols[0];
        if (!symbol || !deps.symbols.includes(symbol)) {
          return sendError(reply, 404, `no market data for ${symbol ?? 'that symbol'}`);
        }
        const candles = await deps.marketData.candles(symbol, { interval: '1m', limit: request.query.limit });
        return {
          symbol,
          candles: candles.map((c) => ({
            time: c.openTime,
            open: c.open,
            high: c.high,
            low: c.low,
            close: c.close,
            volume: c.volume,
          })),
        };
      },
    );
  };
}
