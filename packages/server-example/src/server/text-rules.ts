import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from './http-errors';

/**
 * The one home of what a string in a request may hold, applied to every route (body, query and
 * path, keys and values) before its schema: no NUL (PostgreSQL cannot store it and answered 500),
 * no lone surrogate (not Unicode: two different passwords would hash alike), and JSON no deeper
 * than `MAX_DEPTH` (nothing in the API nests more than a few levels).
 */
export const MAX_DEPTH = 16;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not acceptable text, or `undefined` when it is. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (no lone surrogates)';
  return undefined;
}

/** The first bad string (or too deep a nesting) in `value`, as `{ field, message }`. */
export function findTextProblem(
  value: unknown,
  root: string,
): { field: string; message: string } | undefined {
  // Iterative, so a hostile depth cannot overflow the stack.
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      const problem = textProblem(next.value);
      if (problem) return { field: next.path, message: problem };
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_DEPTH)
      return { field: next.path, message: `nested deeper than ${MAX_DEPTH} levels` };
    for (const [key, child] of Object.entries(next.value)) {
      const path = `${next.path}.${key}`;
      const keyProblem = textProblem(key);
      if (keyProblem)
        return { field: `${next.path}.${JSON.stringify(key)}`, message: `field name ${keyProblem}` };
      pending.push({ value: child, path, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/** preValidation hook for every route: a 400 naming the field for text no route accepts. */
export async function refuseBadText(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ] as const) {
    const problem = findTextProblem(value, part);
    if (problem) throw new RequestValidationError([problem]);
  }
}
