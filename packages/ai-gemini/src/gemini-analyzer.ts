import { GoogleGenAI } from '@google/genai';
import { type AnalysisInput, type Analyzer, holdSignal, type Signal } from '@trd/core';
import { buildAnalysisPrompt, modelAnswerJsonSchema, signalFromAnswer } from '@trd/core/analysis';
import { answerCacheKey, cachedModelCall, createModelCallRunner } from '@trd/core/model-calls';
import { answerText, type GeminiResponseBody } from './answer-text';
import { nextMidnightIn } from './daily-quota-reset';
import { type GeminiAnalyzerOptions, resolveGeminiAnalyzerOptions } from './gemini-analyzer-options';
import { describeGeminiError, type GeminiCallFailure, GeminiUnavailableError } from './gemini-api-error';
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

  /**
   * Core's retry policy and shared queue; what is Gemini's is how its errors read and that a
   * daily-quota 429 suspends the queue until the next midnight in `dailyQuotaTimeZone`.
   */
  const runner = createModelCallRunner<GeminiCallFailure>({
    service: 'Gemini',
    retryAfterName: 'RetryInfo',
    settings,
    describeError: (error) => describeGeminiError(error, apiKey),
    timeoutFailure,
    quotaSuspension: (failure, now) => {
      if (!failure.dailyQuota) return undefined;
      const quota = failure.quotaIds.find((id) => /PerDay/i.test(id)) ?? 'a per-day quota';
      return {
        until: nextMidnightIn(now, settings.dailyQuotaTimeZone),
        why: `daily quota ${quota} spent; per-day quotas reset at midnight ${settings.dailyQuotaTimeZone}`,
      };
    },
    unavailable: (message, failure, attempts, resumesAt) =>
      new GeminiUnavailableError(message, failure, attempts, resumesAt),
  });

  async function callGemini(prompt: Prompt, signal: AbortSignal | undefined): Promise<ModelCall> {
    const call = await runner.call(
      (abortSignal) =>
        client.models.generateContent({
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
            abortSignal,
          },
        }),
      signal,
    );
    return { response: responseBody(call.value as GeminiResponseBody), latencyMs: call.latencyMs };
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
    return signalFromAnswer(answer, input, usage, answerChecks);
  }

  async function analyze(input: AnalysisInput, callOptions: { signal?: AbortSignal } = {}): Promise<Signal> {
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    const prompt = buildAnalysisPrompt(input, promptOptions);
    const answer = await cachedModelCall<GeminiResponseBody>({
      cache: settings.cache,
      key: () =>
        answerCacheKey({
          model,
          system: prompt.system,
          user: prompt.user,
          schema: modelAnswerJsonSchema,
          generation,
        }),
      model,
      clock,
      service: 'Gemini',
      secret: apiKey,
      call: () => callGemini(prompt, signal),
      replayMissError: (message) => new GeminiUnavailableError(message, undefined, 0),
    });
    if ('missed' in answer) return holdSignal(answer.missed);
    return toSignal(answer, input, answer.cached);
  }

  return {
    specificationVersion: 'v1',
    name: `gemini:${model}`,
    model,
    get queued() {
      return runner.queued;
    },
    get running() {
      return runner.running;
    },
    get suspendedUntil() {
      return runner.suspendedUntil;
    },
    analyze,
  };
}

function timeoutFailure(message: string): GeminiCallFailure {
  return {
    httpStatus: undefined,
    rpcStatus: undefined,
    message,
    retryable: true,
    retryAfterMs: undefined,
    authentication: false,
    dailyQuota: false,
    quotaIds: [],
  };
}

/** The fields of a response worth keeping (what the analyzer reads), as plain JSON. */
function responseBody(response: GeminiResponseBody): GeminiResponseBody {
  const { candidates, promptFeedback, usageMetadata, modelVersion, responseId } = response;
  return JSON.parse(JSON.stringify({ candidates, promptFeedback, usageMetadata, modelVersion, responseId }));
}
