import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { createCredentialCipher } from '../security/credential-cipher';
import { createCredentialsCheckLimit } from '../security/credentials-check-limit';
import {
  accountResponseSchema,
  credentialsBodySchema,
  credentialsStoredResponseSchema,
  errorResponses,
  messageResponseSchema,
  tradingModeBodySchema,
  tradingModeResponseSchema,
} from '../server/api-schemas';
import { RequestValidationError, refuseBody, sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

export function accountRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const cipher = createCredentialCipher(deps.security.credentialsKey);
  const checkLimit = createCredentialsCheckLimit({ now: () => deps.clock.now() });

  return async (app) => {
    // Authenticate before the body is even read.
    app.addHook('onRequest', app.authenticate);

    app.get(
      '/account',
      {
        schema: {
          tags: ['account'],
          summary: 'Who the caller is (exchange keys are never returned, only whether they are set)',
          security: [{ bearerAuth: [] }],
          response: { 200: accountResponseSchema, ...errorResponses(401, 404) },
        },
      },
      async (request, reply) => {
        const user = await deps.users.findById(callerId(request));
        if (!user) return sendError(reply, 404, 'user not found');
        const [sealed, mode] = await Promise.all([
          deps.users.getExchangeCredentials(user.id),
          deps.users.getTradingMode(user.id),
        ]);
        return {
          id: user.id,
          username: user.username,
          email: user.email,
          hasExchangeCredentials: sealed !== null,
          // Without a live venue everyone is on paper, whatever was stored.
          tradingMode: deps.liveTrading && mode === 'live' ? ('live' as const) : ('paper' as const),
          liveVenue: deps.liveTrading?.venue ?? null,
        };
      },
    );

    app.put(
      '/account/trading-mode',
      {
        schema: {
          tags: ['account'],
          summary:
            "Paper (the simulated venue at the real prices) or live (the caller's own exchange account). Live needs confirm: true, stored keys, and no open position",
          security: [{ bearerAuth: [] }],
          body: tradingModeBodySchema,
          response: { 200: tradingModeResponseSchema, ...errorResponses(400, 401, 403, 409, 413) },
        },
      },
      async (request, reply) => {
        const userId = callerId(request);
        const { mode, confirm } = request.body;
        if (mode === 'live') {
          if (!deps.liveTrading) {
            throw new RequestValidationError([
              {
                field: 'body.mode',
                message: 'this server runs the simulated exchange only: there is no live venue',
              },
            ]);
          }
          if (confirm !== true) {
            throw new RequestValidationError([
              {
                field: 'body.confirm',
                message: `live trades real money on your own ${deps.liveTrading.venue} account: send confirm: true`,
              },
            ]);
          }
        }
        const current = (await deps.users.getTradingMode(userId)) ?? 'paper';
        if (current === mode) return { tradingMode: mode, message: `already trading ${mode}` };
        // A position lives on the venue that opened it: it is closed there before the switch.
        const [positions, intents] = await Promise.all([
          deps.store.openPositions(userId),
          deps.store.unfinishedIntents(userId),
        ]);
        if (positions.length > 0 || intents.length > 0) {
          return sendError(
            reply,
            409,
            `an open position or order is on your ${current} account: close it (or let it exit) before switching to ${mode}`,
          );
        }
        if (mode === 'live') await deps.liveTrading!.checkLive(userId); // NoTradingAccountError: 400 / 403
        await deps.users.setTradingMode(userId, mode);
        request.log.info({ userId, mode }, 'trading mode changed');
        return {
          tradingMode: mode,
          message:
            mode === 'live'
              ? `trading live on your own ${deps.liveTrading!.venue} account from the next cycle`
              : 'paper trading from the next cycle: orders stay on the simulated venue',
        };
      },
    );

    app.put(
      '/account/exchange-credentials',
      {
        schema: {
          tags: ['account'],
          summary:
            "Check the caller's Binance API key and secret against Binance, then store them encrypted (AES-256-GCM); never returned. 422 for keys that do not authenticate, cannot trade spot, or allow withdrawals",
          security: [{ bearerAuth: [] }],
          body: credentialsBodySchema,
          response: { 200: credentialsStoredResponseSchema, ...errorResponses(400, 401, 413, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const userId = callerId(request);
        if (deps.checkCredentials) {
          const waitMs = checkLimit.take(userId);
          if (waitMs > 0) {
            reply.header('Retry-After', String(Math.ceil(waitMs / 1000)));
            return sendError(reply, 429, 'too many key checks: try again in a minute');
          }
        }
        // Checked before kept: a key that may withdraw is never stored, not even for a moment.
        const { warnings } = deps.checkCredentials
          ? await deps.checkCredentials(request.body)
          : { warnings: [] };
        await deps.users.setExchangeCredentials(userId, cipher.encrypt(userId, request.body));
        request.log.info({ userId, warnings: warnings.length }, 'exchange credentials stored');
        return { message: 'exchange credentials stored (encrypted)', warnings };
      },
    );

    app.delete(
      '/account/exchange-credentials',
      {
        preValidation: refuseBody,
        schema: {
          tags: ['account'],
          summary: "Forget the caller's exchange credentials",
          security: [{ bearerAuth: [] }],
          response: { 200: messageResponseSchema, ...errorResponses(400, 401, 413) },
        },
      },
      async (request) => {
        await deps.users.setExchangeCredentials(callerId(request), null);
        return { message: 'exchange credentials removed' };
      },
    );
  };
}
