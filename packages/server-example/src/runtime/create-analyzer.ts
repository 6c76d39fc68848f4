import { type Analyzer, type Clock, createTechnicalAnalyzer } from '@trd/core';
import type { AnswerCacheOptions } from '@trd/core/model-calls';
import type { AnalyzerChoice } from '../config/analyzer-choice';

/**
 * Builds the analyzer `config/analyzer-choice.ts` chose: core's technical analyzer, Gemini through
 * `@trd/ai-gemini`, or any other model through `@trd/ai-sdk` and its AI SDK provider. Adapters are
 * imported only when chosen. Model calls (timeouts, backoff, rate limit) run on `clock`.
 */
export async function createAnalyzer(
  choice: AnalyzerChoice,
  clock: Clock,
  options: { cache?: AnswerCacheOptions } = {},
): Promise<Analyzer> {
  if (choice.provider === 'technical') return createTechnicalAnalyzer();
  const shared = {
    clock,
    ...(choice.requestsPerMinute === undefined ? {} : { requestsPerMinute: choice.requestsPerMinute }),
    ...(options.cache ? { cache: options.cache } : {}),
  };
  if (choice.provider === 'gemini') {
    const { createGeminiAnalyzer } = await import('@trd/ai-gemini');
    return createGeminiAnalyzer({
      // A replay-only backtest never sends a request, so it needs no key.
      apiKey: choice.apiKey ?? 'replay-only',
      model: choice.model,
      ...(choice.baseUrl ? { baseUrl: choice.baseUrl } : {}),
      ...shared,
    });
  }
  const { createAiSdkAnalyzer } = await import('@trd/ai-sdk');
  const settings = {
    apiKey: choice.apiKey ?? 'replay-only',
    ...(choice.baseUrl ? { baseURL: choice.baseUrl } : {}),
  };
  const secrets = choice.apiKey ? [choice.apiKey] : [];
  switch (choice.provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      // Chat Completions: what OpenAI and every OpenAI-style proxy serve (AI_BASE_URL).
      return createAiSdkAnalyzer({ model: createOpenAI(settings).chat(choice.model), secrets, ...shared });
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAiSdkAnalyzer({ model: createAnthropic(settings)(choice.model), secrets, ...shared });
    }
    case 'openai-compatible': {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      const provider = createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: choice.baseUrl ?? '',
        ...(choice.apiKey ? { apiKey: choice.apiKey } : {}),
        // Send the answer's JSON schema (response_format json_schema), not just "a JSON object".
        supportsStructuredOutputs: true,
      });
      return createAiSdkAnalyzer({ model: provider(choice.model), secrets, ...shared });
    }
  }
}
