import { createHash } from 'node:crypto';

/**
 * One recorded model answer: the response as the adapter read it (plain JSON), replayed through
 * the same checks. Each adapter decides the shape of `response` (Gemini: the REST response body;
 * the AI SDK adapter: text, finish reason, usage and model id).
 */
export interface CachedAnswer<Response = unknown> {
  /** The model that was asked. */
  model: string;
  /** The response, plain JSON (what the adapter reads from it to build the signal). */
  response: Response;
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
  // `response` is whatever the recording adapter stored; each adapter reads back its own shape.
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer): Promise<void>;
}

/**
 * - `record`: always call the model and store the answer (overwriting).
 * - `replay`: never call the model; a key not in the cache is a miss (see `replayMiss`).
 * - `record-replay`: answer from the cache when it can, otherwise call the model and store.
 */
export type CacheMode = 'record' | 'replay' | 'record-replay';

/** The modes of `CacheMode`, for validating options. */
export const CACHE_MODES: readonly CacheMode[] = ['record', 'replay', 'record-replay'];

/** An analyzer's `cache` option: the same for every model adapter. */
export interface AnswerCacheOptions {
  /** Where answers are recorded: `createMemoryAnswerCache()` or `createJsonFileAnswerCache(path)`. */
  store: AnswerCache;
  mode: CacheMode;
  /**
   * In `replay` mode, what a prompt with no recorded answer gives: `hold` (default) a hold whose
   * reason says so, `error` a `ModelUnavailableError` (for backtests that must be fully recorded).
   */
  replayMiss?: 'hold' | 'error';
}

/** Everything that decides the answer: same inputs, same key. */
export interface AnswerCacheKeyParts {
  model: string;
  system: string;
  user: string;
  schema: unknown;
  /** Generation settings (temperature, thinking budget, token limit…); adapters add what decides their answer. */
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
