// @trd/exchange-mock: a simulated spot venue for tests, paper trading and backtests.
export * from './faults/fault-injector';
export * from './feeds/load-replay-candles';
export * from './feeds/price-feed';
export * from './feeds/random-walk-feed';
export * from './feeds/replay-feed';
export * from './feeds/seeded-random';
export * from './market-rules-defaults';
export * from './mock-exchange';
export * from './mock-exchange-options';
export { mockAccountCapabilities } from './mock-trading-account';
export { triggeredLeg } from './venue/exit-trigger';
export type { MockOrderRecord } from './venue/mock-venue';
export { VENUE_STATE_FORMAT, VENUE_STATE_VERSION, type VenueState } from './venue/venue-state';
