/**
 * Annualisation of daily ratios: crypto trades every day of the year, so √365 (not the stock
 * market's √252). The risk-free rate is 0.
 */
export const TRADING_DAYS_PER_YEAR = 365;

/**
 * Annualised Sharpe ratio of daily returns: mean / sample standard deviation (n − 1) × √365,
 * risk-free rate 0. `null` with fewer than 2 returns or when they do not vary.
 */
export function sharpeRatio(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const average = mean(returns);
  const variance = returns.reduce((sum, r) => sum + (r - average) ** 2, 0) / (returns.length - 1);
  const deviation = Math.sqrt(variance);
  return deviation === 0 ? null : (average / deviation) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/**
 * Annualised Sortino ratio of daily returns: mean / downside deviation × √365, where the downside
 * deviation is √(Σ min(r, 0)² / n) over all n days (target 0). `null` with fewer than 2 returns
 * or without a losing day.
 */
export function sortinoRatio(returns: readonly number[]): number | null {
  if (returns.length < 2) return null;
  const downside = Math.sqrt(returns.reduce((sum, r) => sum + Math.min(r, 0) ** 2, 0) / returns.length);
  return downside === 0 ? null : (mean(returns) / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
