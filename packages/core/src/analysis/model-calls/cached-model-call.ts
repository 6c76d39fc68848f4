import type { Clock } from '../../clock/clock';
import { ConfigError } from '../../errors';
import type { AnswerCacheOptions } from './answer-cache';
import { redactSecret } from './redact-secret';

/** An answer to build a signal from: from the model, or replayed from the cache (`cached`). */
export interface ModelAnswerCall<Response> {
  response: Response;
  latencyMs: number;
  cached: boolean;
}

export interface CachedModelCallOptions<Response> {
  cache: Required<AnswerCacheOptions> | undefined;
  /** The `answerCacheKey` of this request (computed only with a cache). */
  key: () => string;
  /** The model asked, recorded with the answer. */
  model: string;
  clock: Clock;
  /** The service in messages, e.g. `Gemini`. */
  service: string;
  /** Removed from any message (the API key). */
  secret?: string;
  /** Calls the model: the response as plain JSON, and the time it took. */
  call: () => Promise<{ response: Response; latencyMs: number }>;
  /** The adapter's `ModelUnavailableError` for a replay miss when `replayMiss` is `error`. */
  replayMissError: (message: string) => Error;
}

/**
 * The record/replay rules every model adapter shares: `replay` and `record-replay` answer from the
 * cache when it holds the key (`cached: true`, latency 0); a `replay` miss is `{ missed: reason }`
 * (the adapter holds with it) or `replayMissError` with `replayMiss: 'error'`; a call's answer is
 * recorded in `record` and `record-replay` modes, a failed write being a `ConfigError`.
 */
export async function cachedModelCall<Response>(
  options: CachedModelCallOptions<Response>,
): Promise<ModelAnswerCall<Response> | { missed: string }> {
  const { cache, service } = options;
  const key = cache ? options.key() : undefined;
  if (cache && key && cache.mode !== 'record') {
    const recorded = await cache.store.get(key);
    if (recorded) return { response: recorded.response as Response, latencyMs: 0, cached: true };
    if (cache.mode === 'replay') {
      const reason = `no recorded answer for this prompt (replay mode, key ${key})`;
      if (cache.replayMiss === 'error') throw options.replayMissError(`${service} not called: ${reason}`);
      return { missed: reason };
    }
  }
  const call = await options.call();
  if (cache && key) {
    try {
      await cache.store.set(key, {
        model: options.model,
        response: call.response,
        recordedAt: options.clock.now(),
        latencyMs: call.latencyMs,
      });
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      throw new ConfigError(
        `could not record the ${service} answer: ${options.secret ? redactSecret(message, options.secret) : message}`,
        { cause: error },
      );
    }
  }
  return { ...call, cached: false };
}
