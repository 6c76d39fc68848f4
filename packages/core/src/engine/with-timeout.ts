import type { Clock } from '../clock/clock';
import { TrdError } from '../errors';

/** An analysis (or other engine call) that took longer than its budget. */
export class EngineTimeoutError extends TrdError {
  constructor(message: string) {
    super('MODEL_UNAVAILABLE', message, { retryable: true });
  }
}

/** The signal of work without a deadline: never aborted, shared (nothing can abort it). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs `work` with an AbortSignal that fires after `timeoutMs` of the clock's time. The result
 * rejects at the deadline even if `work` ignores the signal. `Infinity`: no timer, no controller.
 */
export async function withTimeout<T>(
  clock: Clock,
  timeoutMs: number,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (timeoutMs === Number.POSITIVE_INFINITY) return work(NEVER_ABORTED);
  const controller = new AbortController();
  let timer: { cancel(): void } | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const error = new EngineTimeoutError(`${what} timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    timer?.cancel();
  }
}
