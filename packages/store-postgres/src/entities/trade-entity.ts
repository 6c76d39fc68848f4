import { EntitySchema } from '@mikro-orm/core';
import { money, optionalMoney, optionalUnixMs, unixMs } from './column-types';

export interface TradeRow {
  id: string;
  userId: string;
  symbol: string;
  side: string;
  status: string;
  quantity: string;
  entryPrice: string;
  entryFee: string;
  takeProfit: string;
  stopLoss: string;
  confidence: number;
  clientOrderId: string;
  entryOrderId: string | null;
  exitRef: string | null;
  openedAt: number;
  closedAt: number | null;
  exitPrice: string | null;
  exitFee: string | null;
  exitReason: string | null;
  exitNote: string | null;
  exitQuantity: string | null;
  entryQuoteAmount: string | null;
  entryNetQuantity: string | null;
  profitLoss: string | null;
  profitLossPercent: string | null;
  durationSeconds: number | null;
}

export const TradeEntity = new EntitySchema<TradeRow>({
  name: 'TradeRow',
  tableName: 'trades',
  indexes: [
    { name: 'trades_user_opened_index', properties: ['userId', 'openedAt'] },
    { name: 'trades_user_status_closed_index', properties: ['userId', 'status', 'closedAt'] },
    { name: 'trades_client_order_id_index', properties: ['clientOrderId'] },
  ],
  properties: {
    id: { type: 'string', length: 64, primary: true },
    userId: { type: 'string', length: 64 },
    symbol: { type: 'string', length: 20 },
    side: { type: 'string', length: 4 },
    status: { type: 'string', length: 10 },
    quantity: money,
    entryPrice: money,
    entryFee: money,
    takeProfit: money,
    stopLoss: money,
    confidence: { type: 'double' },
    clientOrderId: { type: 'string', length: 36 },
    entryOrderId: { type: 'string', length: 64, nullable: true },
    exitRef: { type: 'string', length: 64, nullable: true },
    openedAt: unixMs,
    closedAt: optionalUnixMs,
    exitPrice: optionalMoney,
    exitFee: optionalMoney,
    // As wide as the order journal's `reason`, which holds the same values for close intents.
    exitReason: { type: 'string', length: 32, nullable: true },
    exitNote: { type: 'text', nullable: true },
    exitQuantity: optionalMoney,
    entryQuoteAmount: optionalMoney,
    entryNetQuantity: optionalMoney,
    profitLoss: optionalMoney,
    profitLossPercent: optionalMoney,
    durationSeconds: { type: 'integer', nullable: true },
  },
});
