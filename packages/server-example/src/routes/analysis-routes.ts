import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { analysesQuerySchema, analysesResponseSchema, errorResponses } from '../server/api-schemas';
import { RequestValidationError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';
import { analysisCursorAfter, parseAnalysisCursor, presentAnalysis } from './analysis-decision';

/** The caller's decision records: the audit trail of every analysis, newest first. */
export function analysisRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', app.authenticate);

    app.get(
      '/trading/analyses',
      {
        schema: {
          tags: ['trading'],
          summary: "The caller's decision records, newest first",
          description:
            'Each analysis with what the model saw (input hash) and said (raw answer, parsed signal), the model and its version, the performance policy applied (shared mode), the risk verdict and its reason, and the trade and entry order it led to. Page with `before` = the previous `nextBefore`, or a Unix ms time ("what happened before 10:43").',
          security: [{ bearerAuth: [] }],
          querystring: analysesQuerySchema,
          response: { 200: analysesResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const { limit, before, symbol } = request.query;
        const cursor = before === undefined ? undefined : parseAnalysisCursor(before);
        if (cursor === null)
          throw new RequestValidationError([
            { field: 'querystring.before', message: 'not a cursor this server gave (nextBefore)' },
          ]);
        const records = await deps.store.listAnalyses(callerId(request), {
          limit,
          ...(cursor ? { before: cursor } : {}),
          ...(symbol ? { symbol } : {}),
        });
        const last = records.at(-1);
        return {
          analyses: records.map(presentAnalysis),
          limit,
          nextBefore: last && records.length === limit ? analysisCursorAfter(last) : null,
        };
      },
    );
  };
}
