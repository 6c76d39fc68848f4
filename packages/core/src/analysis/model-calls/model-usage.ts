import type { AnalysisUsage } from '../../domain/signal';
import { type ModelPricing, modelCostUsd } from './model-pricing';

/** A token count as a provider reported it: a whole number >= 0, else undefined (not reported). */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** What an adapter read from one answer, to put on the signal's usage. */
export interface ModelUsageDetails {
  /** The model version that answered when the provider says so, else the model asked. */
  model: string;
  /** The answer's latency, ms; a negative figure counts as 0. */
  latencyMs: number;
  /** Prompt tokens. Anything but a whole number >= 0 is left out. */
  inputTokens?: unknown;
  /** Output tokens, reasoning (thinking) tokens included: providers bill them as output. */
  outputTokens?: unknown;
  totalTokens?: unknown;
  /** The model's text, exactly as it came; left out when undefined. */
  rawAnswer: string | undefined;
  /** A replay from the answer cache: it made no call, so it costs 0. */
  cached: boolean;
  pricing: ModelPricing | undefined;
}

/**
 * The audit-trail usage of one model answer, the same rules for every adapter. The token counts
 * the provider reported (others left out), and with `pricing` the cost: input tokens × input
 * price + output tokens × output price (`modelCostUsd`), 0 for a replay, and left out when the
 * provider reported no token counts (a cost of 0 would claim to know). `cached: true` only for
 * a replay.
 */
export function modelUsage(details: ModelUsageDetails): AnalysisUsage {
  const usage: AnalysisUsage = { model: details.model, latencyMs: Math.max(0, details.latencyMs) };
  const inputTokens = tokenCount(details.inputTokens);
  const outputTokens = tokenCount(details.outputTokens);
  const totalTokens = tokenCount(details.totalTokens);
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  const { pricing } = details;
  if (pricing && (inputTokens !== undefined || outputTokens !== undefined)) {
    usage.costUsd = details.cached ? 0 : modelCostUsd(inputTokens ?? 0, outputTokens ?? 0, pricing);
  }
  if (details.rawAnswer !== undefined) usage.rawAnswer = details.rawAnswer;
  if (details.cached) usage.cached = true;
  return usage;
}
