import { z } from 'zod';
import { decimalStringSchema } from '../decimal';

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
    updatedAt: now,
  };
}
