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

/** A failed attempt, already described; never leaves this module. */
class AttemptFailed extends Error {
  constructor(readonly failure: GeminiCallFailure) {
    super(failure.message);
  }
}

/**
 * An analyzer that asks Gemini for core's model answer as structured JSON. The prompt is core's
 * `buildAnalysisPrompt`, the schema core's `modelAnswerJsonSchema` and the answer is checked by
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

  async function callOnce(prompt: Prompt, signal: AbortSignal | undefined): Promise<ModelCall> {
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    let timedOut = false;
    const deadline = clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout('timeout'));
    }, settings.timeoutMs);
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

  /** One attempt in a scheduler slot; a failure comes out described, with the key removed. */
  async function attempt(prompt: Prompt, signal: AbortSignal | undefined): Promise<ModelCall> {
    try {
      return await callOnce(prompt, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure =
        error instanceof AttemptTimeout
          ? timeoutFailure(settings.timeoutMs)
          : describeGeminiError(error, apiKey);
      // The quota is the project's, not this user's: hold every queued call, before this slot frees.
      if (
        failure.httpStatus === 429 &&
        failure.retryAfterMs !== undefined &&
        failure.retryAfterMs <= settings.maxRetryAfterMs
      ) {
        scheduler.pauseUntil(clock.now() + failure.retryAfterMs);
      }
      throw new AttemptFailed(failure);
    }
  }

  async function callWithRetries(prompt: Prompt, signal: AbortSignal | undefined): Promise<ModelCall> {
    for (let attemptNumber = 1; ; attemptNumber++) {
      let failure: GeminiCallFailure;
      try {
        return await scheduler.run(() => attempt(prompt, signal), signal);
      } catch (error) {
        if (signal?.aborted || !(error instanceof AttemptFailed))
          throw signal?.aborted ? signal.reason : error;
        failure = error.failure;
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
      if (failure.retryAfterMs !== undefined) {
        if (failure.retryAfterMs > settings.maxRetryAfterMs) {
          throw new GeminiUnavailableError(
            `Gemini asked to wait ${failure.retryAfterMs} ms, more than maxRetryAfterMs (${settings.maxRetryAfterMs}): ${failure.message}`,
            failure,
            attemptNumber,
          );
        }
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
      await clock.sleep(Math.max(backoff, failure.retryAfterMs ?? 0), signal);
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
  };
}

/** The fields of a response worth keeping (what the analyzer reads), as plain JSON. */
function responseBody(response: GeminiResponseBody): GeminiResponseBody {
  const { candidates, promptFeedback, usageMetadata, modelVersion, responseId } = response;
  return JSON.parse(JSON.stringify({ candidates, promptFeedback, usageMetadata, modelVersion, responseId }));
}
