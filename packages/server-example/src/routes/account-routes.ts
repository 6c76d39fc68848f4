import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerId } from '../security/authentication';
import { createCredentialCipher } from '../security/credential-cipher';
import {
  accountResponseSchema,
  credentialsBodySchema,
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
          summary: "Store the caller's Binance API key and secret, encrypted (AES-256-GCM); never returned",
          security: [{ bearerAuth: [] }],
          body: credentialsBodySchema,
          response: { 200: messageResponseSchema, ...errorResponses(400, 401, 413) },
        },
      },
      async (request) => {
        const userId = callerId(request);
        await deps.users.setExchangeCredentials(userId, cipher.encrypt(userId, request.body));
        request.log.info({ userId }, 'exchange credentials stored');
        return { message: 'exchange credentials stored (encrypted)' };
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
