// @trd/core: the engine, its ports and the logic every adapter shares.
export * from './clock/clock';
export * from './clock/system-clock';
export * from './clock/virtual-clock';
export * from './decimal';
export * from './domain';
export * from './errors';
export * from './events';
export type * from './ports/analyzer';
export type * from './ports/exchange';
export type * from './ports/market-data';
export type * from './ports/store';
export type * from './ports/trading-account';
export * from './exchange/order-rules';
export * from './risk/risk-limits';
export * from './risk/risk-manager';
export * from './risk/risk-rejected-error';
export * from './risk/utc-day';
export * from './store/memory-store';
