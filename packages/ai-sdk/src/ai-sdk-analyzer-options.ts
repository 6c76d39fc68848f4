import { ConfigError } from '@trd/core';
import {
  checkInteger,
  MODEL_CALL_DEFAULTS,
  type ModelCallOptions,
  type ResolvedModelCallOptions,
  resolveModelCallOptions,
} from '@trd/core/model-calls';
import type { LanguageModel } from 'ai';

/** Any model object of an AI SDK provider: `openai('gpt-4o-mini')`, `anthropic('claude-…')`, … */
export type AiSdkModel = Exclude<LanguageModel, string>;

/**
 * The AI SDK analyzer's options: core's shared model-call options (time limits, retry policy,
 * shared queue, cache, pricing; see `ModelCallOptions`) plus the model and its generation settings.
 */
export interface AiSdkAnalyzerOptions extends ModelCallOptions {
  /**
   * The model, from any AI SDK provider package: `openai('gpt-4o-mini')`, `anthropic('claude-…')`,
   * `createOpenAICompatible({ name, baseURL })('llama3.1')` for Ollama, vLLM or LM Studio,
   * `google('gemini-2.5-flash')`. The provider holds the key and the endpoint. A model id string
   * (which the AI SDK would send to the Vercel AI Gateway) is refused: prompts must not go to
   * another service by accident.
   */
  model: AiSdkModel;
  /** Default 0.2: answers should be repeatable more than creative; `null` sends none (models that refuse one). */
  temperature?: number | null;
  /** Output token limit, reasoning included where the provider counts it so. Default 1,024. */
  maxOutputTokens?: number;
  /** Requests started in any 60 s window, across all users of this analyzer (retries included). Default 60. */
  requestsPerMinute?: number;
  /**
   * Provider-specific settings passed to the AI SDK as `providerOptions`, e.g.
   * `{ openai: { reasoningEffort: 'low' } }`. Part of the cache key.
   */
  providerOptions?: Record<string, Record<string, unknown>>;
  /**
   * Strings removed from every message this analyzer produces (the provider's API key, if its
   * errors could quote it). The provider itself never hands the key to the analyzer.
   */
  secrets?: string[];
}

export interface ResolvedAiSdkAnalyzerOptions extends ResolvedModelCallOptions {
  model: AiSdkModel;
  /** `provider:modelId`, e.g. `openai.chat:gpt-4o-mini`: the cache key's and the usage's model. */
  modelName: string;
  temperature: number | null;
  maxOutputTokens: number;
  providerOptions: Record<string, Record<string, unknown>> | undefined;
  secrets: string[];
}

export const AI_SDK_ANALYZER_DEFAULTS = {
  ...MODEL_CALL_DEFAULTS,
  requestsPerMinute: 60,
  temperature: 0.2,
  maxOutputTokens: 1_024,
} as const;

const WHO = 'createAiSdkAnalyzer';

/**
 * The language-model specifications `ai` 6 runs (`resolveLanguageModel` refuses others): providers
 * built on `@ai-sdk/provider` 3 (`v3`) or 2 (`v2`). A provider made for `ai` 7 is refused when the
 * analyzer is created, not on every analysis.
 */
export const SUPPORTED_SPECIFICATION_VERSIONS = ['v3', 'v2'] as const;

/** Fills in defaults and refuses bad settings with a `ConfigError`. */
export function resolveAiSdkAnalyzerOptions(options: AiSdkAnalyzerOptions): ResolvedAiSdkAnalyzerOptions {
  const model = options?.model as unknown;
  if (typeof model === 'string') {
    throw new ConfigError(
      `${WHO}: model must be a provider's model object such as openai('gpt-4o-mini'), not the id ${JSON.stringify(model)} (a string would go to the Vercel AI Gateway)`,
    );
  }
  const candidate = model as Partial<AiSdkModel> | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.doGenerate !== 'function' ||
    typeof candidate.modelId !== 'string' ||
    typeof candidate.provider !== 'string'
  ) {
    throw new ConfigError(
      `${WHO}: model is required (an AI SDK language model such as openai('gpt-4o-mini'))`,
    );
  }
  const version = (candidate as { specificationVersion?: unknown }).specificationVersion;
  if (!(SUPPORTED_SPECIFICATION_VERSIONS as readonly unknown[]).includes(version)) {
    throw new ConfigError(
      `${WHO}: model ${candidate.provider}:${candidate.modelId} implements the AI SDK model specification ${String(version)}, but this package runs on ai 6, which takes ${SUPPORTED_SPECIFICATION_VERSIONS.join(' or ')}: install the provider's version made for ai 6 (e.g. @ai-sdk/openai 3.x, @ai-sdk/openai-compatible 2.x)`,
    );
  }
  const shared = resolveModelCallOptions(options, WHO, {
    requestsPerMinute: AI_SDK_ANALYZER_DEFAULTS.requestsPerMinute,
  });
  const temperature =
    options.temperature === undefined ? AI_SDK_ANALYZER_DEFAULTS.temperature : options.temperature;
  if (temperature !== null && (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2))) {
    throw new ConfigError(`${WHO}: temperature must be between 0 and 2, or null`);
  }
  const providerOptions = options.providerOptions;
  if (providerOptions !== undefined && (typeof providerOptions !== 'object' || providerOptions === null)) {
    throw new ConfigError(`${WHO}: providerOptions must be an object keyed by provider`);
  }
  const secrets = options.secrets ?? [];
  if (!Array.isArray(secrets) || secrets.some((secret) => typeof secret !== 'string')) {
    throw new ConfigError(`${WHO}: secrets must be an array of strings`);
  }
  const resolvedModel = model as AiSdkModel;
  return {
    ...shared,
    model: resolvedModel,
    modelName: `${resolvedModel.provider}:${resolvedModel.modelId}`,
    temperature,
    maxOutputTokens: checkInteger(
      WHO,
      'maxOutputTokens',
      options.maxOutputTokens ?? AI_SDK_ANALYZER_DEFAULTS.maxOutputTokens,
      1,
    ),
    providerOptions,
    secrets: secrets.filter((secret) => secret.length > 0),
  };
}
