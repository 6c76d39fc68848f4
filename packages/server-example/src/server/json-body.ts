import type { FastifyInstance } from 'fastify';

/**
 * The JSON body parser of every route. An empty body is no body (common HTTP clients send a JSON
 * content type with nothing after it on `POST /trading/start`); invalid JSON and a `__proto__`
 * key (prototype pollution) are a 400 in the documented error shape.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(
        null,
        JSON.parse(text, (key, value) => {
          if (key === '__proto__') throw new Error('__proto__ is not allowed');
          return value;
        }),
      );
    } catch (error) {
      const reason =
        error instanceof SyntaxError
          ? 'the body is not valid JSON'
          : `the body is refused: ${(error as Error).message}`;
      done(Object.assign(new Error(reason), { statusCode: 400 }), undefined);
    }
  });
}
