import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../server/http-errors';

/** What a TRD access token carries. `sub` is the user id, `ver` the user's session version. */
export interface TokenClaims {
  sub: string;
  username: string;
  /** Absent on tokens issued before session versions existed: read as 0. */
  ver?: number;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook that refuses requests without a valid, unexpired HS256 token of a live session. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** Verifies a raw token (the WebSocket handshake) like `authenticate`; throws when refused. */
    verifyAccessToken(token: string): Promise<TokenClaims>;
  }
}

/** Thrown when a token is not (or no longer) valid. */
class RefusedTokenError extends Error {}

export async function registerAuthentication(
  app: FastifyInstance,
  options: {
    secret: string;
    tokenTtlSeconds: number;
    /** The user's current session version, `null` once the user is gone. */
    sessionVersion(userId: string): Promise<number | null>;
  },
): Promise<void> {
  await app.register(fastifyJwt, {
    secret: options.secret,
    // @fastify/jwt reads a numeric expiresIn as seconds.
    sign: { algorithm: 'HS256', expiresIn: options.tokenTtlSeconds },
    // Only HS256: `alg: none` and algorithm-confusion tokens are refused; `exp` is mandatory.
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] },
  });

  // A signature says who issued the token, not that its session still exists: the user must
  // exist and not have revoked the sessions since (one indexed read per request).
  const ensureLiveSession = async (claims: TokenClaims) => {
    if (typeof claims.sub !== 'string') throw new RefusedTokenError();
    const current = await options.sessionVersion(claims.sub);
    if (current === null || current !== (claims.ver ?? 0)) throw new RefusedTokenError();
  };

  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify();
    } catch {
      return sendError(reply, 401, 'missing, invalid or expired token');
    }
    try {
      await ensureLiveSession(request.user);
    } catch (error) {
      if (error instanceof RefusedTokenError)
        return sendError(reply, 401, 'missing, invalid or expired token');
      throw error;
    }
  });

  app.decorate('verifyAccessToken', async (token: string) => {
    const claims = app.jwt.verify<TokenClaims>(token);
    await ensureLiveSession(claims);
    return claims;
  });
}

/** The id of the authenticated caller (routes behind `authenticate` only). */
export function callerId(request: FastifyRequest): string {
  return request.user.sub;
}
