// Market analysis shared by every analyzer: indicators, summaries, history, prompts, answer checks.
export * from './history-context';
export * from './indicators';
export * from './market-summary';
