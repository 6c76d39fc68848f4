// @trd/ai-gemini: a Gemini analyzer with validated structured output.

// The answer cache moved to core (`@trd/core/model-calls`), shared with every model adapter;
// re-exported so existing imports keep working.
export {
  type AnswerCache,
  type AnswerCacheKeyParts,
  answerCacheKey,
  type CachedAnswer,
  type CacheMode,
  createJsonFileAnswerCache,
  createMemoryAnswerCache,
  stableStringify,
} from '@trd/core/model-calls';
export * from './gemini-analyzer';
export * from './gemini-analyzer-options';
export { GeminiUnavailableError } from './gemini-api-error';
