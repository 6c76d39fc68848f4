import { GoogleGenAI } from '@google/genai';
import {
  type AnalysisInput,
  type Analyzer,
  AuthenticationError,
  buildAnalysisPrompt,
  ConfigError,
  holdSignal,
  modelAnswerJsonSchema,
  parseModelAnswer,
  type Signal,
} from '@trd/core';
import { answerText, type GeminiResponseBody } from './answer-text';
import { answerCacheKey } from './cache/answer-cache';
import { nextMidnightIn } from './daily-quota-reset';
import { type GeminiAnalyzerOptions, resolveGeminiAnalyzerOptions } from './gemini-analyzer-options';
import { describeGeminiError, type GeminiCallFailure, GeminiUnavailableError } from './gemini-api-error';
import { redactSecret } from './redact-secret';
import { RequestScheduler } from './request-scheduler';
import { backoffDelayMs } from './retry-delay';
import { usageFromResponse } from './usage-from-response';

/** A Gemini-backed `Analyzer`, with its shared queue visible for metrics. */
export interface GeminiAnalyzer extends Analyzer {
  readonly model: string;
  /** Calls waiting for a concurrency or rate-limit slot. */
  readonly queued: number;
  /** Calls in flight. */
  readonly running: number;
  /** While a spent quota suspends the queue (calls fail fast), when it resumes (clock ms). */
  readonly suspendedUntil: number | undefined;
}

interface Prompt {
  system: string;
  user: string;
}

interface ModelCall {
  response: GeminiResponseBody;
  latencyMs: number;
}

/** Thrown inside one attempt when its deadline passes; never leaves this module. */
class AttemptTimeout extends Error {}

/** A 429 suspended the shared queue until `until` (clock ms), for the reason `why`. */
interface Suspension {
  until: number;
  why: string;
}

/** A failed attempt, already described; never leaves this module. */
class AttemptFailed extends Error {
  constructor(
    readonly failure: GeminiCallFailure,
    readonly suspension?: Suspension,
  ) {
    super(failure.message);
  }
}

/**
 * An analyzer that asks Gemini for core's model answer as structured JSON. The prompt is core's
 * `buildAnalysisPrompt` (the market-only `buildMarketPrompt` for a shared-mode input), the schema
 * core's `modelAnswerJsonSchema` and the answer is checked by
 * core's `parseModelAnswer`: this adapter adds transport only. Anything unusable in an answer is a
 * `hold` with its reason; the service failing after retries is a `GeminiUnavailableError`.
 */
export function createGeminiAnalyzer(options: GeminiAnalyzerOptions): GeminiAnalyzer {
  const settings = resolveGeminiAnalyzerOptions(options);
  const { clock, model, apiKey } = settings;
  // vertexai false: an environment variable must not silently send prompts to another service.
  const client = new GoogleGenAI({
    apiKey,
    vertexai: false,
    httpOptions: {
      ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl }),
      apiVersion: settings.apiVersion,
    },
  });
  const scheduler = new RequestScheduler({
    clock,
    concurrency: settings.concurrency,
    requestsPerMinute: settings.requestsPerMinute,
  });
  const generation = {
    temperature: settings.temperature,
    thinkingBudget: settings.thinkingBudget,
    ...(settings.maxOutputTokens === undefined ? {} : { maxOutputTokens: settings.maxOutputTokens }),
  };

  const answerChecks =
    settings.maxEntryDeviationPercent === undefined
      ? {}
      : { maxDeviationPercent: settings.maxEntryDeviationPercent };

  // The model is told the limit its answer is checked against.
  const promptOptions =
    settings.maxEntryDeviationPercent === undefined
      ? {}
      : { maxEntryDeviationPercent: settings.maxEntryDeviationPercent };

  async function callOnce(
    prompt: Prompt,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<ModelCall> {
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
      const response = await client.models.generateContent({
        model,
        contents: prompt.user,
        config: {
          systemInstruction: prompt.system,
          responseMimeType: 'application/json',
          responseJsonSchema: modelAnswerJsonSchema,
          candidateCount: 1,
          temperature: generation.temperature,
          ...(generation.maxOutputTokens === undefined
            ? {}
            : { maxOutputTokens: generation.maxOutputTokens }),
          ...(generation.thinkingBudget === null
            ? {}
            : { thinkingConfig: { thinkingBudget: generation.thinkingBudget } }),
          abortSignal: controller.signal,
        },
      });
      return { response: responseBody(response as GeminiResponseBody), latencyMs: clock.now() - started };
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
  function suspensionRefusal(failure: GeminiCallFailure, why: string) {
    return (until: number) =>
      new GeminiUnavailableError(
        `Gemini not called: ${why}; the analyzer sends again at ${new Date(until).toISOString()}`,
        { ...failure, retryable: true, retryAfterMs: Math.max(0, until - clock.now()) },
        0,
        until,
      );
  }

  /**
   * What a 429 does to the shared queue (the quota is the project's, not one user's):
   * - a daily quota: suspended (every call fails fast) until the next midnight in `dailyQuotaTimeZone`;
   * - RetryInfo longer than `maxRetryAfterMs`: suspended for that long;
   * - no RetryInfo: suspended with exponential backoff from `quotaBackoffBaseMs`;
   * - RetryInfo within `maxRetryAfterMs`: paused (queued calls wait, nothing is refused).
   * Returns the suspension's end, if it suspended.
   */
  function onQuotaRefused(failure: GeminiCallFailure): Suspension | undefined {
    const now = clock.now();
    let suspension: Suspension | undefined;
    if (failure.dailyQuota) {
      const until = nextMidnightIn(now, settings.dailyQuotaTimeZone);
      const quota = failure.quotaIds.find((id) => /PerDay/i.test(id)) ?? 'a per-day quota';
      suspension = {
        until,
        why: `daily quota ${quota} spent; per-day quotas reset at midnight ${settings.dailyQuotaTimeZone}`,
      };
    } else if (failure.retryAfterMs === undefined) {
      quotaStrikes++;
      const pause = backoffDelayMs(quotaStrikes - 1, {
        baseDelayMs: settings.quotaBackoffBaseMs,
        maxDelayMs: settings.quotaBackoffMaxMs,
        random: settings.random,
      });
      suspension = {
        until: now + pause,
        why: `quota exhausted (429 without RetryInfo, ${quotaStrikes} in a row): backing off ${pause} ms`,
      };
    } else if (failure.retryAfterMs > settings.maxRetryAfterMs) {
      suspension = {
        until: now + failure.retryAfterMs,
        why: `quota exhausted: Gemini asked to wait ${failure.retryAfterMs} ms`,
      };
    } else {
      scheduler.pauseUntil(now + failure.retryAfterMs);
      return undefined;
    }
    scheduler.suspendUntil(suspension.until, suspensionRefusal(failure, suspension.why));
    return suspension;
  }

  /** One attempt in a scheduler slot; a failure comes out described, with the key removed. */
  async function attempt(
    prompt: Prompt,
    signal: AbortSignal | undefined,
    deadline: number,
  ): Promise<ModelCall> {
    const timeoutMs = Math.min(settings.timeoutMs, deadline - clock.now());
    if (timeoutMs <= 0) throw new AttemptFailed(noTimeLeftFailure(settings.analysisTimeoutMs));
    try {
      const call = await callOnce(prompt, signal, timeoutMs);
      quotaStrikes = 0;
      return call;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure =
        error instanceof AttemptTimeout ? timeoutFailure(timeoutMs) : describeGeminiError(error, apiKey);
      // Before this slot frees, so no queued call starts into the same refusal.
      const suspension = failure.httpStatus === 429 ? onQuotaRefused(failure) : undefined;
      throw new AttemptFailed(failure, suspension);
    }
  }

  async function callWithRetries(prompt: Prompt, signal: AbortSignal | undefined): Promise<ModelCall> {
    const deadline = clock.now() + settings.analysisTimeoutMs;
    for (let attemptNumber = 1; ; attemptNumber++) {
      let failure: GeminiCallFailure;
      let suspension: Suspension | undefined;
      try {
        return await scheduler.run(() => attempt(prompt, signal, deadline), signal);
      } catch (error) {
        if (signal?.aborted || !(error instanceof AttemptFailed))
          throw signal?.aborted ? signal.reason : error;
        failure = error.failure;
        suspension = error.suspension;
      }
      if (failure.authentication) {
        throw new AuthenticationError(`Gemini rejected the API key: ${failure.message}`);
      }
      if (!failure.retryable) {
        throw new GeminiUnavailableError(
          `Gemini refused the request: ${failure.message}`,
          failure,
          attemptNumber,
        );
      }
      if (suspension) {
        const why =
          failure.retryAfterMs !== undefined &&
          failure.retryAfterMs > settings.maxRetryAfterMs &&
          !failure.dailyQuota
            ? `Gemini asked to wait ${failure.retryAfterMs} ms, more than maxRetryAfterMs (${settings.maxRetryAfterMs})`
            : suspension.why;
        throw new GeminiUnavailableError(
          `${why}; queue suspended until ${new Date(suspension.until).toISOString()}: ${failure.message}`,
          { ...failure, retryAfterMs: failure.retryAfterMs ?? suspension.until - clock.now() },
          attemptNumber,
          suspension.until,
        );
      }
      if (attemptNumber > settings.maxRetries) {
        throw new GeminiUnavailableError(
          `Gemini unavailable after ${attemptNumber} attempts: ${failure.message}`,
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
        throw new GeminiUnavailableError(
          `Gemini unavailable after ${attemptNumber} attempts, no time left in analysisTimeoutMs (${settings.analysisTimeoutMs}) for a retry in ${wait} ms: ${failure.message}`,
          failure,
          attemptNumber,
        );
      }
      await clock.sleep(wait, signal);
    }
  }

  function toSignal(call: ModelCall, input: AnalysisInput, cached: boolean): Signal {
    const answer = answerText(call.response);
    const usage = usageFromResponse(call.response, {
      model,
      latencyMs: call.latencyMs,
      rawAnswer: answer.text,
      cached,
      pricing: settings.pricing,
    });
    if (!answer.ok) return holdSignal(answer.reason, usage);
    try {
      return parseModelAnswer(answer.text, input, usage, answerChecks);
    } catch (error) {
      // parseModelAnswer promises not to throw; if it ever does, the answer is still unusable, not fatal.
      return holdSignal(`model answer could not be checked: ${(error as Error).message}`, usage);
    }
  }

  async function analyze(input: AnalysisInput, callOptions: { signal?: AbortSignal } = {}): Promise<Signal> {
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    const prompt = buildAnalysisPrompt(input, promptOptions);
    const cache = settings.cache;
    const key = cache
      ? answerCacheKey({
          model,
          system: prompt.system,
          user: prompt.user,
          schema: modelAnswerJsonSchema,
          generation,
        })
      : undefined;
    if (cache && key && cache.mode !== 'record') {
      const recorded = await cache.store.get(key);
      if (recorded) return toSignal({ response: recorded.response, latencyMs: 0 }, input, true);
      if (cache.mode === 'replay') {
        const reason = `no recorded answer for this prompt (replay mode, key ${key})`;
        if (cache.replayMiss === 'error')
          throw new GeminiUnavailableError(`Gemini not called: ${reason}`, undefined, 0);
        return holdSignal(reason);
      }
    }
    const call = await callWithRetries(prompt, signal);
    if (cache && key) {
      try {
        await cache.store.set(key, {
          model,
          response: call.response,
          recordedAt: clock.now(),
          latencyMs: call.latencyMs,
        });
      } catch (error) {
        throw new ConfigError(
          `could not record the Gemini answer: ${redactSecret(String((error as Error)?.message ?? error), apiKey)}`,
          {
            cause: error,
          },
        );
      }
    }
    return toSignal(call, input, false);
  }

  return {
    specificationVersion: 'v1',
    name: `gemini:${model}`,
    model,
    get queued() {
      return scheduler.queued;
    },
    get running() {
      return scheduler.running;
    },
    get suspendedUntil() {
      return scheduler.suspendedUntil;
    },
    analyze,
  };
}

function timeoutFailure(timeoutMs: number): GeminiCallFailure {
  return {
    httpStatus: undefined,
    rpcStatus: undefined,
    message: `no answer within ${timeoutMs} ms`,
    retryable: true,
    retryAfterMs: undefined,
    authentication: false,
    dailyQuota: false,
    quotaIds: [],
  };
}

function noTimeLeftFailure(analysisTimeoutMs: number): GeminiCallFailure {
  return {
    ...timeoutFailure(0),
    message: `not sent: the slot came after analysisTimeoutMs (${analysisTimeoutMs}) had run out`,
  };
}

/** The fields of a response worth keeping (what the analyzer reads), as plain JSON. */
function responseBody(response: GeminiResponseBody): GeminiResponseBody {
  const { candidates, promptFeedback, usageMetadata, modelVersion, responseId } = response;
  return JSON.parse(JSON.stringify({ candidates, promptFeedback, usageMetadata, modelVersion, responseId }));
}
