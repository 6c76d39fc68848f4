import type { AnalysisUsage } from '@trd/core';
import { modelUsage, tokenCount } from '@trd/core/model-calls';
import type { GeminiResponseBody } from './answer-text';
import type { GeminiPricing } from './gemini-analyzer-options';

/**
 * The audit-trail usage of one answer, by core's rules (`modelUsage`: cost from `pricing`, 0 for
 * a replay, left out without token counts). What is Gemini's: output tokens are candidate plus
 * thinking tokens, which Gemini bills as output, and `model` is the `modelVersion` that answered
 * when the response says so.
 */
export function usageFromResponse(
  response: GeminiResponseBody,
  details: {
    model: string;
    latencyMs: number;
    rawAnswer: string | undefined;
    cached: boolean;
    pricing?: GeminiPricing | undefined;
  },
): AnalysisUsage {
  const metadata = response.usageMetadata ?? {};
  const candidates = tokenCount(metadata.candidatesTokenCount);
  const thoughts = tokenCount(metadata.thoughtsTokenCount);
  return modelUsage({
    model: response.modelVersion || details.model,
    latencyMs: details.latencyMs,
    inputTokens: metadata.promptTokenCount,
    outputTokens:
      candidates !== undefined || thoughts !== undefined ? (candidates ?? 0) + (thoughts ?? 0) : undefined,
    totalTokens: metadata.totalTokenCount,
    rawAnswer: details.rawAnswer,
    cached: details.cached,
    pricing: details.pricing,
  });
}
