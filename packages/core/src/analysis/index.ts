// Market analysis shared by every analyzer: indicators, summaries, history, prompts, answer checks.

export * from './analysis-prompt';
export * from './history-context';
export * from './indicators';
export * from './market-summary';
export * from './model-answer';
export * from './performance-policy';
export * from './performance-rules';
export * from './sanitize-signal';
export * from './technical-analyzer';
