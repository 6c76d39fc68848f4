import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { createCredentialCipher } from '../security/credential-cipher';
import {
  accountResponseSchema,
  credentialsBodySchema,
  credentialsStoredResponseSchema,
  errorResponses,
  messageResponseSchema,
} from '../server/api-schemas';
import { refuseBody, sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

export function accountRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const cipher = createCredentialCipher(deps.security.credentialsKey);

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
        const sealed = await deps.users.getExchangeCredentials(user.id);
        return {
          id: user.id,
          username: user.username,
          email: user.email,
          hasExchangeCredentials: sealed !== null,
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
          response: { 200: credentialsStoredResponseSchema, ...errorResponses(400, 401, 413, 422, 503) },
        },
      },
      async (request) => {
        const userId = callerId(request);
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
