import type { AnalysisUsage } from '@trd/core';
import { modelCostUsd } from '@trd/core/model-calls';
import type { GeminiResponseBody } from './answer-text';
import type { GeminiPricing } from './gemini-analyzer-options';

/**
 * The audit-trail usage of one answer. Output tokens include thinking tokens, which Gemini bills
 * as output; `model` is the version that answered when the response says so. With `pricing`,
 * `costUsd` is input tokens × input price + output tokens × output price (0 for a replay, which
 * made no call); it is left out when the response reports no token counts.
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
  const candidates = count(metadata.candidatesTokenCount);
  const thoughts = count(metadata.thoughtsTokenCount);
  const usage: AnalysisUsage = {
    model: response.modelVersion || details.model,
    latencyMs: Math.max(0, details.latencyMs),
  };
  const inputTokens = count(metadata.promptTokenCount);
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (candidates !== undefined || thoughts !== undefined)
    usage.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  const totalTokens = count(metadata.totalTokenCount);
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  const { pricing } = details;
  if (pricing && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)) {
    usage.costUsd = details.cached
      ? 0
      : modelCostUsd(usage.inputTokens ?? 0, usage.outputTokens ?? 0, pricing);
  }
  if (details.rawAnswer !== undefined) usage.rawAnswer = details.rawAnswer;
  if (details.cached) usage.cached = true;
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
