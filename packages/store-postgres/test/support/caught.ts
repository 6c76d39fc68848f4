import { TrdError } from '@trd/core';

/** The TrdError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function caught(promise: Promise<unknown>): Promise<TrdError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!TrdError.isInstance(error)) throw new Error(`expected a TrdError, got ${String(error)}`);
  return error;
}
