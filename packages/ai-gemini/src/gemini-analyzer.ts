import { GoogleGenAI } from '@google/genai';
import { modelAnswerJsonSchema } from '@trd/core/analysis';
import { createModelAnalyzer, type ModelAnalyzer } from '@trd/core/model-calls';
import { answerText, type GeminiResponseBody } from './answer-text';
import { nextMidnightIn } from './daily-quota-reset';
import { type GeminiAnalyzerOptions, resolveGeminiAnalyzerOptions } from './gemini-analyzer-options';
import { describeGeminiError, type GeminiCallFailure, GeminiUnavailableError } from './gemini-api-error';
import { usageFromResponse } from './usage-from-response';

/** A Gemini-backed `Analyzer`, with its shared queue visible for metrics (core's `ModelAnalyzer`). */
export type GeminiAnalyzer = ModelAnalyzer;

/**
 * An analyzer that asks Gemini for core's model answer as structured JSON. The prompt is core's
 * `buildAnalysisPrompt` (the market-only `buildMarketPrompt` for a shared-mode input), the schema
 * core's `modelAnswerJsonSchema` and the answer is checked by core's `parseModelAnswer`; the
 * cache, retries and queue are core's (`createModelAnalyzer`): this adapter adds transport only.
 * Anything unusable in an answer is a `hold` with its reason; the service failing after retries is
 * a `GeminiUnavailableError`.
 */
export function createGeminiAnalyzer(options: GeminiAnalyzerOptions): GeminiAnalyzer {
  const settings = resolveGeminiAnalyzerOptions(options);
  const { model, apiKey } = settings;
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

  return createModelAnalyzer<GeminiResponseBody, GeminiCallFailure>({
    name: `gemini:${model}`,
    model,
    settings,
    generation,
    secret: apiKey,
    /**
     * Core's retry policy and shared queue; what is Gemini's is how its errors read and that a
     * daily-quota 429 suspends the queue until the next midnight in `dailyQuotaTimeZone`.
     */
    calls: {
      service: 'Gemini',
      retryAfterName: 'RetryInfo',
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
    },
    request: async (prompt, abortSignal) =>
      responseBody(
        (await client.models.generateContent({
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
        })) as GeminiResponseBody,
      ),
    read: (response, details) => {
      const answer = answerText(response);
      const usage = usageFromResponse(response, {
        model,
        latencyMs: details.latencyMs,
        rawAnswer: answer.text,
        cached: details.cached,
        pricing: settings.pricing,
      });
      return { answer, usage };
    },
    replayMissError: (message) => new GeminiUnavailableError(message, undefined, 0),
  });
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
