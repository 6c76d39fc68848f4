// @trd/core: the engine, its ports and the logic every adapter shares. What an app and an adapter
// author need; the building blocks of model analyzers are `@trd/core/analysis`, the model-call
// machinery `@trd/core/model-calls`, the conformance suites `@trd/core/testing`. The surface is
// checked in as `api/*.api.md` (`pnpm api:report`).

export { createTechnicalAnalyzer, type TechnicalAnalyzerOptions } from './analysis/technical-analyzer';
export * from './clock/clock';
export * from './clock/system-clock';
export * from './clock/virtual-clock';
export * from './decimal';
export * from './domain';
export { type AnalysisMode, SHARED_ANALYSIS_USER } from './engine/analysis-runner';
export * from './engine/client-order-ids';
export type { CycleReport } from './engine/cycle';
export {
  type CircuitBreakerSettings,
  DEFAULT_CIRCUIT_BREAKER,
  type ModelBudgetLimits,
} from './engine/model-budget';
export type { MonitorReport } from './engine/position-monitor';
export type { ReconcileOutcome, ReconcileReport } from './engine/reconciler';
export {
  DEFAULT_ENGINE_SETTINGS,
  type EngineSettings,
  type EngineSettingsInput,
  type TradingHours,
} from './engine/settings';
export * from './engine/trading-bot';
export * from './engine/trading-hours';
export { EngineTimeoutError } from './engine/with-timeout';
export * from './errors';
export * from './events';
export * from './exchange/account-capabilities';
export * from './exchange/exit-levels';
export * from './exchange/exit-plan';
export * from './exchange/order-rules';
export * from './performance';
export type * from './ports/analyzer';
export type * from './ports/exchange';
export type * from './ports/market-data';
export type * from './ports/store';
export type * from './ports/trading-account';
export * from './risk/risk-limits';
export * from './risk/risk-manager';
export * from './risk/risk-rejected-error';
export * from './risk/utc-day';
export * from './store/memory-store';
export * from './store/trading-config-changes';
