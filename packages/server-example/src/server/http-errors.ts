import type { FastifyReply, FastifyRequest } from 'fastify';

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Every error the API returns has this shape. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: { field: string; message: string }[];
}

export function errorBody(statusCode: number, message: string, issues?: ErrorBody['issues']): ErrorBody {
  return { statusCode, error: reasons[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string): FastifyReply {
  return reply.code(statusCode).send(errorBody(statusCode, message));
}

/** A 400 found after schema validation (e.g. a value checked against server settings). */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

/** preValidation for routes that take no body: anything sent is refused rather than silently ignored. */
export async function refuseBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  const empty =
    body === undefined ||
    body === null ||
    body === '' ||
    (typeof body === 'object' && Object.keys(body).length === 0);
  if (!empty) throw new RequestValidationError([{ field: 'body', message: 'this route takes no body' }]);
}
