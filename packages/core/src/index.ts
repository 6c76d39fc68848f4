// @trd/core: the engine, its ports and the logic every adapter shares.

export * from './analysis';
export * from './clock/clock';
export * from './clock/system-clock';
export * from './clock/virtual-clock';
export * from './decimal';
export * from './domain';
export { type AnalysisMode, SHARED_ANALYSIS_USER } from './engine/analysis-runner';
export * from './engine/client-order-ids';
export type { CycleReport } from './engine/cycle';
export * from './engine/exit-prices';
export {
  type CircuitBreakerSettings,
  DEFAULT_CIRCUIT_BREAKER,
  type ModelBudgetLimits,
} from './engine/model-budget';
export type { MonitorReport } from './engine/position-monitor';
export * from './engine/profit-and-loss';
export type { ReconcileOutcome, ReconcileReport } from './engine/reconciler';
export * from './engine/settings';
export * from './engine/trading-bot';
export * from './engine/trading-hours';
export * from './engine/with-timeout';
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
