import { AuthenticationError, type ModelUnavailableError } from '../../errors';
import type { ResolvedModelCallOptions } from './model-call-options';
import { RequestScheduler } from './request-scheduler';
import { backoffDelayMs } from './retry-delay';

/** What went wrong with one call to a model service, with secrets already removed. */
export interface ModelCallFailure {
  /** HTTP status, when the service answered. */
  httpStatus: number | undefined;
  /** A short description, safe to log. */
  message: string;
  /** Worth another attempt: rate limited, overloaded, server error, network failure, timeout. */
  retryable: boolean;
  /** The wait the service asked for, ms. */
  retryAfterMs: number | undefined;
  /** The service rejected the credentials. */
  authentication: boolean;
}

/** A spent quota suspends the shared queue until `until` (clock ms), for the reason `why`. */
export interface QuotaSuspension {
  until: number;
  why: string;
}

/** How one adapter's service fails; everything else about retries is shared. */
export interface ModelCallRunnerOptions<Failure extends ModelCallFailure> {
  /** The service in messages, e.g. `Gemini`. */
  service: string;
  /** Where the service says how long to wait, in messages, e.g. `RetryInfo` or `retry-after`. */
  retryAfterName: string;
  settings: Pick<
    ResolvedModelCallOptions,
    | 'clock'
    | 'analysisTimeoutMs'
    | 'timeoutMs'
    | 'maxRetries'
    | 'retryBaseDelayMs'
    | 'retryMaxDelayMs'
    | 'maxRetryAfterMs'
    | 'quotaBackoffBaseMs'
    | 'quotaBackoffMaxMs'
    | 'concurrency'
    | 'requestsPerMinute'
    | 'random'
  >;
  /** Describes an error thrown by one attempt (not a timeout, not the caller's abort). */
  describeError(error: unknown): Failure;
  /** The failure of an attempt that ran out of time, with `message` set. */
  timeoutFailure(message: string): Failure;
  /**
   * A 429 the service marks as spent until a known time (Gemini: a per-day quota): the queue is
   * suspended until then, whatever the 429's wait says. Checked before the generic rules.
   */
  quotaSuspension?(failure: Failure, now: number): QuotaSuspension | undefined;
  /** The adapter's `ModelUnavailableError`; `resumesAt` set when the queue is suspended. */
  unavailable(message: string, failure: Failure, attempts: number, resumesAt?: number): ModelUnavailableError;
}

/** One answer from `ModelCallRunner.call`: the task's value and the time its attempt took, ms. */
export interface ModelCallResult<T> {
  value: T;
  latencyMs: number;
}

export interface ModelCallRunner {
  /**
   * Runs `task` in a slot of the shared queue, with the attempt's deadline as its abort signal,
   * retrying retryable failures by the policy: exponential backoff with jitter or the service's
   * wait if longer, never past `analysisTimeoutMs`. A 429 pauses or suspends the queue for every
   * caller. Rejects with `AuthenticationError` for rejected credentials, the adapter's
   * `ModelUnavailableError` otherwise, or the caller's abort reason.
   */
  call<T>(task: (abortSignal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<ModelCallResult<T>>;
  /** Calls waiting for a concurrency or rate-limit slot. */
  readonly queued: number;
  /** Calls in flight. */
  readonly running: number;
  /** While a spent quota suspends the queue (calls fail fast), when it resumes (clock ms). */
  readonly suspendedUntil: number | undefined;
}

/** Thrown inside one attempt when its deadline passes; never leaves this module. */
class AttemptTimeout extends Error {}

/** A failed attempt, already described; never leaves this module. */
class AttemptFailed<Failure> extends Error {
  constructor(
    readonly failure: Failure,
    readonly suspension?: QuotaSuspension & { longWait: boolean },
  ) {
    super('attempt failed');
  }
}

/**
 * The retry policy and the shared queue of a model analyzer, the same for every adapter. What a
 * 429 does to the queue (the quota is the project's, not one user's):
 * - the adapter's `quotaSuspension` (a daily quota): suspended (every call fails fast) until then;
 * - no wait given: suspended with exponential backoff from `quotaBackoffBaseMs`;
 * - a wait longer than `maxRetryAfterMs`: suspended for that long;
 * - a wait within `maxRetryAfterMs`: paused (queued calls wait, nothing is refused).
 */
export function createModelCallRunner<Failure extends ModelCallFailure>(
  options: ModelCallRunnerOptions<Failure>,
): ModelCallRunner {
  const { settings, service } = options;
  const { clock } = settings;
  const scheduler = new RequestScheduler({
    clock,
    concurrency: settings.concurrency,
    requestsPerMinute: settings.requestsPerMinute,
  });

  async function callOnce<T>(
    task: (abortSignal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<ModelCallResult<T>> {
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    let timedOut = false;
    const deadline = clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout('timeout'));
    }, timeoutMs);
    const started = clock.now();
    try {
      const value = await task(controller.signal);
      return { value, latencyMs: clock.now() - started };
    } catch (error) {
      if (timedOut) throw new AttemptTimeout('timeout');
      throw error;
    } finally {
      deadline.cancel();
      signal?.removeEventListener('abort', forwardAbort);
    }
  }

  /** 429s in a row that said nothing of when to retry; an answer resets it. */
  let quotaStrikes = 0;

  /** The error every call refused during a suspension gets: fast, and a `ModelUnavailableError`. */
  function suspensionRefusal(failure: Failure, why: string) {
    return (until: number) =>
      options.unavailable(
        `${service} not called: ${why}; the analyzer sends again at ${new Date(until).toISOString()}`,
        { ...failure, retryable: true, retryAfterMs: Math.max(0, until - clock.now()) },
        0,
        until,
      );
  }

  /** What a 429 does to the shared queue; returns the suspension, if it suspended. */
  function onQuotaRefused(failure: Failure): (QuotaSuspension & { longWait: boolean }) | undefined {
    const now = clock.now();
    let suspension: (QuotaSuspension & { longWait: boolean }) | undefined;
    const known = options.quotaSuspension?.(failure, now);
    if (known) {
      suspension = { ...known, longWait: false };
    } else if (failure.retryAfterMs === undefined) {
      quotaStrikes++;
      const pause = backoffDelayMs(quotaStrikes - 1, {
        baseDelayMs: settings.quotaBackoffBaseMs,
        maxDelayMs: settings.quotaBackoffMaxMs,
        random: settings.random,
      });
      suspension = {
        until: now + pause,
        why: `quota exhausted (429 without ${options.retryAfterName}, ${quotaStrikes} in a row): backing off ${pause} ms`,
        longWait: false,
      };
    } else if (failure.retryAfterMs > settings.maxRetryAfterMs) {
      suspension = {
        until: now + failure.retryAfterMs,
        why: `quota exhausted: ${service} asked to wait ${failure.retryAfterMs} ms`,
        longWait: true,
      };
    } else {
      scheduler.pauseUntil(now + failure.retryAfterMs);
      return undefined;
    }
    scheduler.suspendUntil(suspension.until, suspensionRefusal(failure, suspension.why));
    return suspension;
  }

  /** One attempt in a scheduler slot; a failure comes out described. */
  async function attempt<T>(
    task: (abortSignal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
    deadline: number,
  ): Promise<ModelCallResult<T>> {
    const timeoutMs = Math.min(settings.timeoutMs, deadline - clock.now());
    if (timeoutMs <= 0) {
      throw new AttemptFailed(
        options.timeoutFailure(
          `not sent: the slot came after analysisTimeoutMs (${settings.analysisTimeoutMs}) had run out`,
        ),
      );
    }
    try {
      const call = await callOnce(task, signal, timeoutMs);
      quotaStrikes = 0;
      return call;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure =
        error instanceof AttemptTimeout
          ? options.timeoutFailure(`no answer within ${timeoutMs} ms`)
          : options.describeError(error);
      // Before this slot frees, so no queued call starts into the same refusal.
      const suspension = failure.httpStatus === 429 ? onQuotaRefused(failure) : undefined;
      throw new AttemptFailed(failure, suspension);
    }
  }

  async function call<T>(
    task: (abortSignal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<ModelCallResult<T>> {
    const deadline = clock.now() + settings.analysisTimeoutMs;
    for (let attemptNumber = 1; ; attemptNumber++) {
      let failure: Failure;
      let suspension: (QuotaSuspension & { longWait: boolean }) | undefined;
      try {
        return await scheduler.run(() => attempt(task, signal, deadline), signal);
      } catch (error) {
        if (signal?.aborted || !(error instanceof AttemptFailed))
          throw signal?.aborted ? signal.reason : error;
        failure = error.failure as Failure;
        suspension = error.suspension;
      }
      if (failure.authentication) {
        throw new AuthenticationError(`${service} rejected the API key: ${failure.message}`);
      }
      if (!failure.retryable) {
        throw options.unavailable(
          `${service} refused the request: ${failure.message}`,
          failure,
          attemptNumber,
        );
      }
      if (suspension) {
        const why = suspension.longWait
          ? `${service} asked to wait ${failure.retryAfterMs} ms, more than maxRetryAfterMs (${settings.maxRetryAfterMs})`
          : suspension.why;
        throw options.unavailable(
          `${why}; queue suspended until ${new Date(suspension.until).toISOString()}: ${failure.message}`,
          { ...failure, retryAfterMs: failure.retryAfterMs ?? suspension.until - clock.now() },
          attemptNumber,
          suspension.until,
        );
      }
      if (attemptNumber > settings.maxRetries) {
        throw options.unavailable(
          `${service} unavailable after ${attemptNumber} attempts: ${failure.message}`,
          failure,
          attemptNumber,
        );
      }
      const backoff = backoffDelayMs(attemptNumber - 1, {
        baseDelayMs: settings.retryBaseDelayMs,
        maxDelayMs: settings.retryMaxDelayMs,
        random: settings.random,
      });
      const wait = Math.max(backoff, failure.retryAfterMs ?? 0);
      if (clock.now() + wait >= deadline) {
        throw options.unavailable(
          `${service} unavailable after ${attemptNumber} attempts, no time left in analysisTimeoutMs (${settings.analysisTimeoutMs}) for a retry in ${wait} ms: ${failure.message}`,
          failure,
          attemptNumber,
        );
      }
      await clock.sleep(wait, signal);
    }
  }

  return {
    call,
    get queued() {
      return scheduler.queued;
    },
    get running() {
      return scheduler.running;
    },
    get suspendedUntil() {
      return scheduler.suspendedUntil;
    },
  };
}
