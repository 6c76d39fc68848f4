import { ConflictError } from '@trd/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DEFAULT_PASSWORD_COST, hashPassword, verifyPassword } from '../security/password-hasher';
import {
  errorResponses,
  loginBodySchema,
  registerBodySchema,
  tokenResponseSchema,
} from '../server/api-schemas';
import { sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

export function authRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const cost = deps.security.passwordCost ?? DEFAULT_PASSWORD_COST;
  const loginLimit = { max: deps.security.loginRateLimitPerMinute, timeWindow: 60_000 };
  // Compared against when the username is unknown, so a miss costs as much time as a wrong password.
  const decoyHash = hashPassword('decoy password that never matches', cost);

  return async (app) => {
    const issueToken = (user: { id: string; username: string; email: string }) => ({
      access_token: app.jwt.sign({ sub: user.id, username: user.username }),
      token_type: 'bearer' as const,
      expires_in: deps.security.tokenTtlSeconds,
      user: { id: user.id, username: user.username, email: user.email },
    });

    app.post(
      '/auth/register',
      {
        // Hashing is deliberately expensive: registration gets the login limit too.
        config: { rateLimit: loginLimit },
        schema: {
          tags: ['auth'],
          summary: 'Create an account; trading starts inactive',
          body: registerBodySchema,
          response: { 201: tokenResponseSchema, ...errorResponses(400, 409, 413, 429) },
        },
      },
      async (request, reply) => {
        const { username, email, password } = request.body;
        const passwordHash = await hashPassword(password, cost);
        try {
          const user = await deps.users.create({ username, email: email.toLowerCase(), passwordHash });
          request.log.info({ userId: user.id }, 'user registered');
          return reply.code(201).send(issueToken(user));
        } catch (error) {
          if (ConflictError.isInstance(error) && error.code === 'CONFLICT') {
            return sendError(reply, 409, 'username or email already registered');
          }
          throw error;
        }
      },
    );

    app.post(
      '/auth/login',
      {
        config: { rateLimit: loginLimit },
        schema: {
          tags: ['auth'],
          summary: 'Exchange a username and password for a bearer token',
          body: loginBodySchema,
          response: { 200: tokenResponseSchema, ...errorResponses(400, 401, 413, 429) },
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const user = await deps.users.findByUsername(username);
        const valid = user
          ? await verifyPassword(password, user.passwordHash)
          : (await verifyPassword(password, await decoyHash)) && false;
        if (!user || !valid) {
          request.log.info({ username }, 'login refused');
          return sendError(reply, 401, 'wrong username or password');
        }
        return reply.send(issueToken(user));
      },
    );
  };
}
