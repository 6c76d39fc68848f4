import { createHash } from 'node:crypto';
import type { GeminiResponseBody } from '../answer-text';

/** One recorded model answer: the response body as Gemini sent it, replayed through the same checks. */
export interface CachedAnswer {
  /** The model that was asked. */
  model: string;
  /** The response body (candidates, promptFeedback, usageMetadata, modelVersion). */
  response: GeminiResponseBody;
  /** When it was recorded, Unix ms of the analyzer's clock. */
  recordedAt: number;
  /** How long the recorded call took, ms. */
  latencyMs: number;
}

/**
 * Where recorded answers live, keyed by `answerCacheKey`. Implementations MUST return exactly
 * what was stored under a key, and `undefined` for a key never stored.
 */
export interface AnswerCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer): Promise<void>;
}

/**
 * - `record`: always call the model and store the answer (overwriting).
 * - `replay`: never call the model; a key not in the cache is a miss (see `replayMiss`).
 * - `record-replay`: answer from the cache when it can, otherwise call the model and store.
 */
export type CacheMode = 'record' | 'replay' | 'record-replay';

/** Everything that decides the answer: same inputs, same key. */
export interface AnswerCacheKeyParts {
  model: string;
  system: string;
  user: string;
  schema: unknown;
  /** Generation settings (temperature, thinking budget, token limit). */
  generation: Record<string, unknown>;
}

/** sha256 (hex) of the model, the prompt, the schema and the generation settings. */
export function answerCacheKey(parts: AnswerCacheKeyParts): string {
  return createHash('sha256').update(stableStringify(parts)).digest('hex');
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}
