import { type AnalysisInput, type Analyzer, holdSignal, type Signal } from '@trd/core';
import { buildAnalysisPrompt, modelAnswerJsonSchema, signalFromAnswer } from '@trd/core/analysis';
import { answerCacheKey, cachedModelCall, createModelCallRunner } from '@trd/core/model-calls';
import { generateText, jsonSchema, NoObjectGeneratedError, Output } from 'ai';
import { type AiSdkAnalyzerOptions, resolveAiSdkAnalyzerOptions } from './ai-sdk-analyzer-options';
import { type AiSdkCallFailure, AiSdkUnavailableError, describeAiSdkError } from './ai-sdk-error';
import { type AiSdkResponse, aiSdkResponse, answerText, usageFromResponse } from './model-response';

/** An `Analyzer` on an AI SDK model, with its shared queue visible for metrics. */
export interface AiSdkAnalyzer extends Analyzer {
  /** `provider:modelId`, e.g. `openai.chat:gpt-4o-mini`. */
  readonly model: string;
  /** Calls waiting for a concurrency or rate-limit slot. */
  readonly queued: number;
  /** Calls in flight. */
  readonly running: number;
  /** While a spent quota suspends the queue (calls fail fast), when it resumes (clock ms). */
  readonly suspendedUntil: number | undefined;
}

/** The schema's name in the request (OpenAI's `response_format.json_schema.name`). */
const SCHEMA_NAME = 'trade_signal';

/**
 * An analyzer that asks any AI SDK model for core's model answer as structured output. The prompt
 * is core's `buildAnalysisPrompt`, the schema core's `modelAnswerJsonSchema` (sent as the
 * provider's JSON-schema response format through `generateText`'s `Output.object`), and the text
 * is checked by core's `parseModelAnswer`, exactly as the Gemini analyzer does: this adapter adds
 * transport only. Retries, the shared queue, the answer cache and cost are core's
 * (`@trd/core/model-calls`). Anything unusable in an answer is a `hold` with its reason; the
 * service failing after retries is an `AiSdkUnavailableError`.
 */
export function createAiSdkAnalyzer(options: AiSdkAnalyzerOptions): AiSdkAnalyzer {
  const settings = resolveAiSdkAnalyzerOptions(options);
  const { clock, model, modelName } = settings;
  const service = model.provider;
  const secrets = settings.secrets;
  const generation = {
    temperature: settings.temperature,
    maxOutputTokens: settings.maxOutputTokens,
    ...(settings.providerOptions === undefined ? {} : { providerOptions: settings.providerOptions }),
  };
  const output = Output.object({ schema: jsonSchema(modelAnswerJsonSchema), name: SCHEMA_NAME });

  const answerChecks =
    settings.maxEntryDeviationPercent === undefined
      ? {}
      : { maxDeviationPercent: settings.maxEntryDeviationPercent };
  // The model is told the limit its answer is checked against.
  const promptOptions =
    settings.maxEntryDeviationPercent === undefined
      ? {}
      : { maxEntryDeviationPercent: settings.maxEntryDeviationPercent };

  const runner = createModelCallRunner<AiSdkCallFailure>({
    service,
    retryAfterName: 'retry-after',
    settings,
    describeError: (error) => describeAiSdkError(error, secrets, clock.now()),
    timeoutFailure: (message) => ({
      httpStatus: undefined,
      message,
      retryable: true,
      retryAfterMs: undefined,
      authentication: false,
      providerCode: undefined,
    }),
    unavailable: (message, failure, attempts, resumesAt) =>
      new AiSdkUnavailableError(message, failure, attempts, resumesAt),
  });

  /** One request; an answer the SDK could not parse as JSON is still an answer (core says why). */
  async function generate(
    prompt: { system: string; user: string },
    abortSignal: AbortSignal,
  ): Promise<AiSdkResponse> {
    try {
      const result = await generateText({
        model,
        system: prompt.system,
        prompt: prompt.user,
        output,
        // Core's runner retries, under the shared queue and the analysis deadline.
        maxRetries: 0,
        abortSignal,
        maxOutputTokens: generation.maxOutputTokens,
        ...(generation.temperature === null ? {} : { temperature: generation.temperature }),
        ...(settings.providerOptions === undefined ? {} : { providerOptions: settings.providerOptions }),
      } as Parameters<typeof generateText>[0]);
      return aiSdkResponse({
        text: result.text,
        finishReason: result.finishReason,
        rawFinishReason: result.rawFinishReason,
        usage: result.usage,
        response: result.response,
      });
    } catch (error) {
      if (NoObjectGeneratedError.isInstance(error)) {
        return aiSdkResponse({
          text: error.text,
          finishReason: error.finishReason,
          usage: error.usage,
          response: error.response,
        });
      }
      throw error;
    }
  }

  function toSignal(
    response: AiSdkResponse,
    latencyMs: number,
    input: AnalysisInput,
    cached: boolean,
  ): Signal {
    const usage = usageFromResponse(response, {
      model: modelName,
      latencyMs,
      cached,
      pricing: settings.pricing,
    });
    const answer = answerText(response);
    return signalFromAnswer(answer, input, usage, answerChecks);
  }

  async function analyze(input: AnalysisInput, callOptions: { signal?: AbortSignal } = {}): Promise<Signal> {
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    const prompt = buildAnalysisPrompt(input, promptOptions);
    const answer = await cachedModelCall<AiSdkResponse>({
      cache: settings.cache,
      key: () =>
        answerCacheKey({
          model: modelName,
          system: prompt.system,
          user: prompt.user,
          schema: modelAnswerJsonSchema,
          generation,
        }),
      model: modelName,
      clock,
      service,
      call: async () => {
        const call = await runner.call((abortSignal) => generate(prompt, abortSignal), signal);
        return { response: call.value, latencyMs: call.latencyMs };
      },
      replayMissError: (message) => new AiSdkUnavailableError(message, undefined, 0),
    });
    if ('missed' in answer) return holdSignal(answer.missed);
    return toSignal(answer.response, answer.latencyMs, input, answer.cached);
  }

  return {
    specificationVersion: 'v1',
    name: `ai-sdk:${modelName}`,
    model: modelName,
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
