import type { AnalysisUsage } from '@trd/core';
import { type ModelPricing, modelUsage, tokenCount } from '@trd/core/model-calls';
import type { FinishReason, LanguageModelResponseMetadata, LanguageModelUsage } from 'ai';

/**
 * What the analyzer keeps of one `generateText` answer, as plain JSON: what it reads to build the
 * signal, and what the answer cache records and replays.
 */
export interface AiSdkResponse {
  /** The model's text, exactly as it came. */
  text: string;
  /** The AI SDK's unified finish reason: `stop`, `length`, `content-filter`, `tool-calls`, `error`, `other`. */
  finishReason: string;
  /** The provider's own finish reason when it differs in name, e.g. OpenAI's `length`. */
  rawFinishReason?: string;
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  /** The model that answered, as the provider said (e.g. `gpt-4o-mini-2024-07-18`). */
  modelId?: string;
  responseId?: string;
}

/** Builds the plain-JSON response from a result's (or a `NoObjectGeneratedError`'s) fields. */
export function aiSdkResponse(parts: {
  text: string | undefined;
  finishReason: FinishReason | undefined;
  rawFinishReason?: string | undefined;
  usage: LanguageModelUsage | undefined;
  response: LanguageModelResponseMetadata | undefined;
}): AiSdkResponse {
  const usage: AiSdkResponse['usage'] = {};
  for (const key of ['inputTokens', 'outputTokens', 'totalTokens'] as const) {
    const value = parts.usage?.[key];
    if (tokenCount(value) !== undefined) usage[key] = value as number;
  }
  return {
    text: parts.text ?? '',
    finishReason: parts.finishReason ?? 'other',
    ...(parts.rawFinishReason ? { rawFinishReason: parts.rawFinishReason } : {}),
    usage,
    ...(parts.response?.modelId ? { modelId: parts.response.modelId } : {}),
    ...(parts.response?.id ? { responseId: parts.response.id } : {}),
  };
}

export type AnswerText =
  | { ok: true; text: string }
  /** The answer cannot be used; `reason` says why. */
  | { ok: false; reason: string };

/**
 * The answer's text, or why there is none worth parsing: an answer cut by the token limit
 * (`length`), stopped by a content filter or for any reason but `stop`, or empty.
 */
export function answerText(response: AiSdkResponse): AnswerText {
  const { finishReason } = response;
  const raw =
    response.rawFinishReason && response.rawFinishReason !== finishReason
      ? ` (${response.rawFinishReason})`
      : '';
  if (finishReason === 'length') {
    return {
      ok: false,
      reason: `answer truncated by the output token limit (finish reason length${raw}); raise maxOutputTokens`,
    };
  }
  if (finishReason !== 'stop') {
    return { ok: false, reason: `answer stopped by the model (finish reason ${finishReason}${raw})` };
  }
  if (response.text.trim() === '') return { ok: false, reason: 'the model returned an empty answer' };
  return { ok: true, text: response.text };
}

/**
 * The audit-trail usage of one answer, by core's rules (`modelUsage`: cost from `pricing`, 0 for
 * a replay, left out without token counts): the model that answered when the provider says so,
 * token counts as the AI SDK reports them (output includes reasoning tokens).
 */
export function usageFromResponse(
  response: AiSdkResponse,
  details: { model: string; latencyMs: number; cached: boolean; pricing: ModelPricing | undefined },
): AnalysisUsage {
  return modelUsage({
    model: response.modelId || details.model,
    latencyMs: details.latencyMs,
    ...response.usage,
    rawAnswer: response.text,
    cached: details.cached,
    pricing: details.pricing,
  });
}
