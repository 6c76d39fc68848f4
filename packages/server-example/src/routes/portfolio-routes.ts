import { type Trade, TrdError } from '@trd/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { errorResponses, performanceResponseSchema, portfolioResponseSchema } from '../server/api-schemas';
import type { ServerDeps } from '../server/server-deps';
import { computePerformance } from './performance';
import { presentPortfolio } from './presenters';

const DAY_MS = 86_400_000;
const PAGE = 100;

export function portfolioRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const closedTradesOf = async (userId: string): Promise<Trade[]> => {
    const all: Trade[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await deps.store.listTrades(userId, { limit: PAGE, offset, status: 'closed' });
      all.push(...page.trades);
      if (page.trades.length < PAGE || all.length >= page.total) return all;
    }
  };

  return async (app) => {
    // Authenticate before the body is even read.
    app.addHook('onRequest', app.authenticate);

    app.get(
      '/portfolio',
      {
        schema: {
          tags: ['portfolio'],
          summary: "The caller's balances and realized performance",
          security: [{ bearerAuth: [] }],
          response: { 200: portfolioResponseSchema, ...errorResponses(401) },
        },
      },
      async (request) => {
        const userId = callerId(request);
        const now = deps.clock.now();
        const [stats, positions, tradesToday] = await Promise.all([
          deps.store.getPortfolio(userId),
          deps.store.openPositions(userId),
          deps.store.countTradesSince(userId, now - (now % DAY_MS)),
        ]);
        let balances: { asset: string; free: string; locked: string }[] | null = null;
        let balancesError: string | undefined;
        try {
          const account = await deps.accountFor(userId);
          const raw = await account.balances();
          balances = Object.entries(raw)
            .map(([asset, balance]) => ({ asset, free: balance.free, locked: balance.locked }))
            .sort((a, b) => a.asset.localeCompare(b.asset));
        } catch (error) {
          // The venue's message may name the account; the code is enough for the page.
          balancesError = TrdError.isInstance(error)
            ? `exchange error: ${error.code}`
            : 'exchange unavailable';
          request.log.warn(
            { userId, code: TrdError.isInstance(error) ? error.code : undefined },
            'balances unavailable',
          );
        }
        return {
          stats: presentPortfolio(stats),
          balances,
          ...(balancesError ? { balancesError } : {}),
          openPositions: positions.length,
          tradesToday,
        };
      },
    );

    app.get(
      '/portfolio/performance',
      {
        schema: {
          tags: ['portfolio'],
          summary: "Statistics and equity curve of the caller's closed trades",
          security: [{ bearerAuth: [] }],
          response: { 200: performanceResponseSchema, ...errorResponses(401) },
        },
      },
      async (request) => computePerformance(await closedTradesOf(callerId(request))),
    );
  };
}
