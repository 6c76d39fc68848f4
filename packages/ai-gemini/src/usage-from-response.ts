import type { AnalysisUsage } from '@trd/core';
import type { GeminiResponseBody } from './answer-text';

/**
 * The audit-trail usage of one answer. Output tokens include thinking tokens, which Gemini bills
 * as output; `model` is the version that answered when the response says so.
 */
export function usageFromResponse(
  response: GeminiResponseBody,
  details: { model: string; latencyMs: number; rawAnswer: string | undefined; cached: boolean },
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
  if (details.rawAnswer !== undefined) usage.rawAnswer = details.rawAnswer;
  if (details.cached) usage.cached = true;
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
