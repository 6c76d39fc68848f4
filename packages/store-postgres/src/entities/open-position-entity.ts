import { EntitySchema } from '@mikro-orm/core';
import { money, unixMs } from './column-types';

export interface OpenPositionRow {
  tradeId: string;
  userId: string;
  symbol: string;
  side: string;
  quantity: string;
  entryPrice: string;
  takeProfit: string;
  stopLoss: string;
  exitRef: string;
  openedAt: number;
}

export const OpenPositionEntity = new EntitySchema<OpenPositionRow>({
  name: 'OpenPositionRow',
  tableName: 'open_positions',
  indexes: [{ name: 'open_positions_user_index', properties: ['userId'] }],
  properties: {
    tradeId: { type: 'string', length: 64, primary: true },
    userId: { type: 'string', length: 64 },
    symbol: { type: 'string', length: 20 },
    side: { type: 'string', length: 4 },
    quantity: money,
    entryPrice: money,
    takeProfit: money,
    stopLoss: money,
    exitRef: { type: 'string', length: 64 },
    openedAt: unixMs,
  },
});
