import { ConflictError, TrdError } from '@trd/core';

/** PostgreSQL error codes the store reacts to. */
const UNIQUE_VIOLATION = '23505';
const CONNECTION_CODES = new Set([
  '08000',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);
// Serialization failure, deadlock, and a statement cancelled by statement_timeout (rolled back: safe to retry).
const RETRYABLE_CODES = new Set(['40001', '40P01', '57014']);

interface DatabaseErrorFields {
  code?: string;
  constraint?: string;
  sqlMessage?: string;
}

/** The PostgreSQL error code (SQLSTATE) of a driver error, if any. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as DatabaseErrorFields).code : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === UNIQUE_VIOLATION;
}

/** The constraint a violation names (e.g. `users_email_unique`). */
export function violatedConstraint(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as DatabaseErrorFields).constraint : undefined;
}

/** A store error for bad input: nothing was written. */
export function invalidInput(message: string): TrdError {
  return new TrdError('STORE', message);
}

/**
 * Wraps a failure into a `TrdError`. MikroORM's messages inline the query's parameters (password
 * hashes, encrypted keys), so the cause kept is only PostgreSQL's code and constraint name.
 */
export function toStoreError(operation: string, error: unknown): TrdError {
  if (TrdError.isInstance(error)) return error;
  const code = sqlState(error);
  const constraint = violatedConstraint(error);
  const cause = Object.assign(
    new Error(`PostgreSQL error ${code ?? 'unknown'}${constraint ? ` on ${constraint}` : ''}`),
    {
      code,
      constraint,
    },
  );
  if (code === UNIQUE_VIOLATION)
    return new ConflictError(`${operation}: already exists${constraint ? ` (${constraint})` : ''}`, {
      cause,
    });
  const retryable = code !== undefined && (CONNECTION_CODES.has(code) || RETRYABLE_CODES.has(code));
  return new TrdError('STORE', `${operation} failed${code ? ` (PostgreSQL ${code})` : ''}`, {
    cause,
    retryable,
  });
}

/** Runs `action`, turning any failure into a `TrdError` named after the operation. */
export async function guarded<T>(operation: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}
