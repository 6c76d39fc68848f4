import { z } from 'zod';
import { decimalStringSchema } from '../decimal';

/**
 * Base asset left in the account below one step after exits (a fee taken in the base asset makes
 * the exit sell a step less). Its cost is already charged to the trades that left it; the next
 * exit on the symbol sweeps it once it reaches a step.
 */
export const dustHoldingSchema = z.object({
  symbol: z.string(),
  asset: z.string(),
  quantity: decimalStringSchema,
  /** What it cost, quote units (average cost of the entries it came from). */
  cost: decimalStringSchema,
});
export type DustHolding = z.infer<typeof dustHoldingSchema>;

/** A user's realized performance, updated in the same write that closes a trade. */
export const portfolioStatsSchema = z.object({
  userId: z.string(),
  totalTrades: z.number().int().nonnegative(),
  winningTrades: z.number().int().nonnegative(),
  losingTrades: z.number().int().nonnegative(),
  /** Percent, 0–100. */
  winRate: z.number().min(0).max(100),
  /** Sum of closed trades' net P&L, quote units. */
  totalRealizedPnl: decimalStringSchema,
  totalFees: decimalStringSchema,
  /** Dust held per symbol (symbols with none are absent). */
  dust: z.array(dustHoldingSchema),
  updatedAt: z.number().int(),
});
export type PortfolioStats = z.infer<typeof portfolioStatsSchema>;

export function emptyPortfolio(userId: string, now: number): PortfolioStats {
  return {
    userId,
    totalTrades: 0,
    winningTrades: 0,
    losingTrades: 0,
    winRate: 0,
    totalRealizedPnl: '0',
    totalFees: '0',
    dust: [],
    updatedAt: now,
  };
}
