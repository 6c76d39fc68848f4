import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { OwnerUnavailableError } from '../cluster/owner-unavailable-error';
import { mapError } from './error-mapping';
import { errorBody, RequestValidationError } from './http-errors';

/** Every error becomes `{ statusCode, error, message, issues? }`; a 400 names each bad field. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const field = [error.validationContext ?? 'body', path].filter(Boolean).join('.');
        return { field, message: issue.message ?? 'invalid' };
      });
      return reply
        .code(400)
        .send(errorBody(400, issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues));
    }
    if (error instanceof RequestValidationError) {
      return reply.code(400).send(errorBody(400, error.message, error.issues));
    }
    if (error instanceof OwnerUnavailableError) {
      request.log.warn({ message: error.message }, 'the owner of the user did not answer');
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send(errorBody(503, `${error.message}; retry in ${error.retryAfterSeconds} s`));
    }
    const mapped = mapError(error);
    if (mapped.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: mapped.statusCode, message: mapped.message }, 'request refused');
    return reply.code(mapped.statusCode).send(errorBody(mapped.statusCode, mapped.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(404, `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
