import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The reason phrase of a status (Node's table), e.g. 415 → "Unsupported Media Type". */
const reasonOf = (statusCode: number): string => STATUS_CODES[statusCode] ?? 'Error';

/** Every error the API returns has this shape. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: { field: string; message: string }[];
}

export function errorBody(statusCode: number, message: string, issues?: ErrorBody['issues']): ErrorBody {
  return { statusCode, error: reasonOf(statusCode), message, ...(issues ? { issues } : {}) };
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

/**
 * preValidation for routes that take no body: anything sent is refused rather than silently
 * ignored. An empty body (with or without a JSON content type) and `{}` are no body; `null`,
 * `[]` and every other value are refused.
 */
export async function refuseBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  const empty =
    body === undefined ||
    body === '' ||
    (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!empty) throw new RequestValidationError([{ field: 'body', message: 'this route takes no body' }]);
}
