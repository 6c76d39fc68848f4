import { type Trade, TrdError } from '@trd/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { errorResponses, performanceResponseSchema, portfolioResponseSchema } from '../server/api-schemas';
import type { ServerDeps } from '../server/server-deps';
import { computePerformance } from './performance';
import { presentPortfolio } from './presenters';

const DAY_MS = 86_400_000;
const PAGE = 100;

interface Balance {
  asset: string;
  free: string;
  locked: string;
}

export function portfolioRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const closedTradesOf = async (userId: string): Promise<Trade[]> => {
    const all: Trade[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await deps.store.listTrades(userId, { limit: PAGE, offset, status: 'closed' });
      all.push(...page.trades);
      if (page.trades.length < PAGE || all.length >= page.total) return all;
    }
  };

  /** The caller's balances sorted by asset, or what to show instead; never rejects. */
  const balancesOf = async (
    userId: string,
  ): Promise<{ balances: Balance[] } | { error: string; code: string | undefined }> => {
    try {
      const account = await deps.accountFor(userId);
      const raw = await account.balances();
      return {
        balances: Object.entries(raw)
          .map(([asset, balance]) => ({ asset, free: balance.free, locked: balance.locked }))
          .sort((a, b) => a.asset.localeCompare(b.asset)),
      };
    } catch (error) {
      // The venue's message may name the account; the code is enough for the page.
      const code = TrdError.isInstance(error) ? error.code : undefined;
      return { error: code ? `exchange error: ${code}` : 'exchange unavailable', code };
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
        // Three store reads and the venue's balances, all at once: the answer waits for the
        // slowest, not for their sum. No other read (no user lookup) happens per request.
        const [stats, positions, tradesToday, venue] = await Promise.all([
          deps.store.getPortfolio(userId),
          deps.store.openPositions(userId),
          deps.store.countTradesSince(userId, now - (now % DAY_MS)),
          balancesOf(userId),
        ]);
        if ('error' in venue) {
          request.log.warn({ userId, code: venue.code }, 'balances unavailable');
        }
        return {
          stats: presentPortfolio(stats),
          balances: 'balances' in venue ? venue.balances : null,
          ...('error' in venue ? { balancesError: venue.error } : {}),
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
