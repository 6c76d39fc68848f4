import type { DecimalInput } from '../decimal';
import { isWinningTrade } from '../domain/trade-outcome';

/**
 * The share of trades that won, a fraction in [0, 1]; 0 without trades. What counts as a win is
 * `isWinningTrade` (net P&L > 0: a break-even trade is a loss). Show it as a percent with × 100.
 */
export function winRate(wins: number, total: number): number {
  return total <= 0 ? 0 : wins / total;
}

/** Wins among `profitLosses` (net P&L of each trade), by the one definition of a win. */
export function countWins(profitLosses: readonly (DecimalInput | null | undefined)[]): number {
  let wins = 0;
  for (const pnl of profitLosses) if (isWinningTrade(pnl)) wins++;
  return wins;
}
