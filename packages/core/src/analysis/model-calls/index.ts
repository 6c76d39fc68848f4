// @trd/core/model-calls: what every model adapter shares (the Gemini and AI SDK analyzers): the
// record/replay answer cache, the shared request scheduler, the retry policy and cost from prices.

export * from './answer-cache';
export * from './cached-model-call';
export * from './entry-deviation';
export * from './json-file-answer-cache';
export * from './memory-answer-cache';
export * from './model-analyzer';
export * from './model-call-options';
export * from './model-call-runner';
export * from './model-pricing';
export * from './model-usage';
export * from './redact-secret';
export * from './request-scheduler';
export * from './retry-delay';
