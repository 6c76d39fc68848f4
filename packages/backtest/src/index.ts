// @trd/backtest: core's engine over recorded candles on a virtual clock, and parameter sweeps.

export * from './backtest-options';
export * from './backtest-period';
export * from './backtest-report';
export * from './closed-bar-feed';
export * from './format-report';
export * from './run-backtest';
export * from './sweep/index';
export * from './trade-statistics';
