import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What a TRD access token carries. `sub` is the user id. */
export interface TokenClaims {
  sub: string;
  username: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler that refuses requests without a valid, unexpired HS256 token. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** Verifies a raw token (the WebSocket handshake); throws when invalid or expired. */
    verifyAccessToken(token: string): TokenClaims;
  }
}

export async function registerAuthentication(
  app: FastifyInstance,
  options: { secret: string; tokenTtlSeconds: number },
): Promise<void> {
  await app.register(fastifyJwt, {
    secret: options.secret,
    // @fastify/jwt reads a numeric expiresIn as seconds.
    sign: { algorithm: 'HS256', expiresIn: options.tokenTtlSeconds },
    // Only HS256: `alg: none` and algorithm-confusion tokens are refused; `exp` is mandatory.
    verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] },
  });

  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify();
    } catch {
      await reply
        .code(401)
        .send({ statusCode: 401, error: 'Unauthorized', message: 'missing, invalid or expired token' });
    }
  });

  app.decorate('verifyAccessToken', (token: string) => app.jwt.verify<TokenClaims>(token));
}

/** The id of the authenticated caller (routes behind `authenticate` only). */
export function callerId(request: FastifyRequest): string {
  return request.user.sub;
}
