import { EntitySchema } from '@mikro-orm/core';
import { money, optionalUnixMs, unixMs } from './column-types';

/**
 * A filled trade's open position. `protection` says whether an exit pair works at the venue
 * (`exitRef` set) or nothing protects it since `unprotectedSince`; a check constraint keeps the
 * three columns consistent.
 */
export interface OpenPositionRow {
  tradeId: string;
  userId: string;
  symbol: string;
  side: string;
  quantity: string;
  entryPrice: string;
  takeProfit: string;
  stopLoss: string;
  protection: string;
  exitRef: string | null;
  unprotectedSince: number | null;
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
    protection: { type: 'string', length: 11 },
    exitRef: { type: 'string', length: 64, nullable: true },
    unprotectedSince: optionalUnixMs,
    openedAt: unixMs,
  },
});
