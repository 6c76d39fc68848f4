// @trd/ai-gemini: a Gemini analyzer with validated structured output.

export * from './cache/answer-cache';
export * from './cache/json-file-answer-cache';
export * from './cache/memory-answer-cache';
export * from './gemini-analyzer';
export * from './gemini-analyzer-options';
export { GeminiUnavailableError } from './gemini-api-error';
