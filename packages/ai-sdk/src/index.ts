// @trd/ai-sdk: an analyzer for any model of the Vercel AI SDK, on core's prompt, schema and checks.

// The answer cache is core's, shared with every model adapter; re-exported for convenience.
export {
  type AnswerCache,
  type AnswerCacheOptions,
  type CachedAnswer,
  type CacheMode,
  createJsonFileAnswerCache,
  createMemoryAnswerCache,
  type ModelPricing,
} from '@trd/core/model-calls';
export * from './ai-sdk-analyzer';
export * from './ai-sdk-analyzer-options';
export { type AiSdkCallFailure, AiSdkUnavailableError } from './ai-sdk-error';
export type { AiSdkResponse } from './model-response';
