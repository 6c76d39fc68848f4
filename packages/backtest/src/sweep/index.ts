export * from './format-sweep';
export * from './run-sweep';
export * from './sweep-metric';
export * from './sweep-range';
export type { SweepTask, SweepWorkerData } from './sweep-worker';
export * from './walk-forward';
