import { modelAnswerJsonSchema } from '@trd/core/analysis';
import { createModelAnalyzer, type ModelAnalyzer } from '@trd/core/model-calls';
import { generateText, jsonSchema, NoObjectGeneratedError, Output } from 'ai';
import { type AiSdkAnalyzerOptions, resolveAiSdkAnalyzerOptions } from './ai-sdk-analyzer-options';
import { type AiSdkCallFailure, AiSdkUnavailableError, describeAiSdkError } from './ai-sdk-error';
import { type AiSdkResponse, aiSdkResponse, answerText, usageFromResponse } from './model-response';

/**
 * An `Analyzer` on an AI SDK model, with its shared queue visible for metrics (core's
 * `ModelAnalyzer`); `model` is `provider:modelId`, e.g. `openai.chat:gpt-4o-mini`.
 */
export type AiSdkAnalyzer = ModelAnalyzer;

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

  return createModelAnalyzer<AiSdkResponse, AiSdkCallFailure>({
    name: `ai-sdk:${modelName}`,
    model: modelName,
    settings,
    generation,
    calls: {
      service,
      retryAfterName: 'retry-after',
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
    },
    request: generate,
    read: (response, details) => ({
      answer: answerText(response),
      usage: usageFromResponse(response, { model: modelName, ...details, pricing: settings.pricing }),
    }),
    replayMissError: (message) => new AiSdkUnavailableError(message, undefined, 0),
  });
}
