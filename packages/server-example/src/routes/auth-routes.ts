import { ConflictError } from '@trd/core';
import { identityKey } from '@trd/store-postgres';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { UserEventHub } from '../realtime/user-event-hub';
import { callerId } from '../security/authentication';
import { createLoginThrottle } from '../security/login-throttle';
import { DEFAULT_PASSWORD_COST, hashPassword, verifyPassword } from '../security/password-hasher';
import {
  errorResponses,
  loginBodySchema,
  messageResponseSchema,
  registerBodySchema,
  tokenResponseSchema,
} from '../server/api-schemas';
import { refuseBody, sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

export function authRoutes(deps: ServerDeps, hub: UserEventHub): FastifyPluginAsyncZod {
  const cost = deps.security.passwordCost ?? DEFAULT_PASSWORD_COST;
  const loginLimit = { max: deps.security.loginRateLimitPerMinute, timeWindow: 60_000 };
  // Compared against when the username is unknown, so a miss costs as much time as a wrong password.
  const decoyHash = hashPassword('decoy password that never matches', cost);
  // Per username, whichever address the guesses come from (the rate limit above is per client).
  const throttle = createLoginThrottle({ now: () => deps.clock.now() });

  return async (app) => {
    const issueToken = (user: { id: string; username: string; email: string; sessionVersion: number }) => ({
      access_token: app.jwt.sign({ sub: user.id, username: user.username, ver: user.sessionVersion }),
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
          // The display forms as typed; the store compares them NFKC-normalised and case-folded.
          const user = await deps.users.create({ username, email, passwordHash });
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
        const key = identityKey(username);
        const waitMs = throttle.retryAfterMs(key);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          request.log.info({ username }, 'login slowed down');
          reply.header('retry-after', String(seconds));
          return sendError(reply, 429, `too many failed logins for this username; retry in ${seconds} s`);
        }
        const user = await deps.users.findByUsername(username);
        const valid = user
          ? await verifyPassword(password, user.passwordHash)
          : (await verifyPassword(password, await decoyHash)) && false;
        if (!user || !valid) {
          throttle.recordFailure(key);
          request.log.info({ username }, 'login refused');
          return sendError(reply, 401, 'wrong username or password');
        }
        throttle.recordSuccess(key);
        return reply.send(issueToken(user));
      },
    );

    app.post(
      '/auth/revoke-sessions',
      {
        onRequest: app.authenticate,
        preValidation: refuseBody,
        schema: {
          tags: ['auth'],
          summary: "End every one of the caller's sessions: all their tokens stop working, sockets close",
          security: [{ bearerAuth: [] }],
          response: { 200: messageResponseSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const userId = callerId(request);
        await deps.users.revokeSessions(userId);
        hub.closeUser(userId);
        request.log.info({ userId }, 'sessions revoked');
        return { message: 'every session ended; log in again' };
      },
    );
  };
}
