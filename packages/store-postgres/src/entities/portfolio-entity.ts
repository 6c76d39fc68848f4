import { EntitySchema } from '@mikro-orm/core';
import { money, unixMs } from './column-types';

export interface PortfolioRow {
  userId: string;
  totalTrades: number;
  winningTrades: number;
  losingTrades: number;
  /** Percent, kept for SQL readers; the store recomputes it from the counts. */
  winRate: string;
  totalRealizedPnl: string;
  totalFees: string;
  updatedAt: number;
}

export const PortfolioEntity = new EntitySchema<PortfolioRow>({
  name: 'PortfolioRow',
  tableName: 'portfolio',
  properties: {
    userId: { type: 'string', length: 64, primary: true },
    totalTrades: { type: 'integer' },
    winningTrades: { type: 'integer' },
    losingTrades: { type: 'integer' },
    winRate: { type: 'decimal', precision: 7, scale: 4 },
    totalRealizedPnl: money,
    totalFees: money,
    updatedAt: unixMs,
  },
});
