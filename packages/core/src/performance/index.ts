// Trading statistics: one definition of each, shared by backtests, the portfolio and reports.
export * from './buy-and-hold';
export * from './closed-trades';
export * from './daily-returns';
export * from './drawdown';
export * from './equity-curve';
export * from './exposure';
export * from './performance-metrics';
export * from './risk-adjusted-returns';
export * from './round-trip-after-fees';
export * from './trade-statistics';
export * from './win-rate';
