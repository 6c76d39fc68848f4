import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

/** Settings are numbers in the domain: `double precision` round-trips every JS number exactly. */
export interface TradingConfigRow {
  userId: string;
  symbol: string;
  isActive: boolean;
  riskPercent: number;
  maxPositionPercent: number;
  maxDailyTrades: number;
  minConfidence: number;
  takeProfitPercent: number;
  stopLossPercent: number;
  updatedAt: number;
}

export const TradingConfigEntity = new EntitySchema<TradingConfigRow>({
  name: 'TradingConfigRow',
  tableName: 'trading_configs',
  indexes: [{ name: 'trading_configs_active_index', properties: ['isActive', 'userId'] }],
  properties: {
    userId: { type: 'string', length: 64, primary: true },
    symbol: { type: 'string', length: 20 },
    isActive: { type: 'boolean' },
    riskPercent: { type: 'double' },
    maxPositionPercent: { type: 'double' },
    maxDailyTrades: { type: 'integer' },
    minConfidence: { type: 'double' },
    takeProfitPercent: { type: 'double' },
    stopLossPercent: { type: 'double' },
    updatedAt: unixMs,
  },
});
