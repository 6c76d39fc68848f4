import { EntitySchema } from '@mikro-orm/core';
import { money, unixMs } from './column-types';

/** The order journal: one row per client order id, written before the order is sent. */
export interface OrderIntentRow {
  clientOrderId: string;
  userId: string;
  kind: string;
  symbol: string;
  side: string;
  quantity: string;
  tradeId: string;
  state: string;
  confidence: number | null;
  takeProfitPercent: number | null;
  stopLossPercent: number | null;
  reason: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export const OrderIntentEntity = new EntitySchema<OrderIntentRow>({
  name: 'OrderIntentRow',
  tableName: 'order_intents',
  indexes: [{ name: 'order_intents_state_created_index', properties: ['state', 'createdAt'] }],
  properties: {
    clientOrderId: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 64 },
    kind: { type: 'string', length: 8 },
    symbol: { type: 'string', length: 20 },
    side: { type: 'string', length: 4 },
    quantity: money,
    tradeId: { type: 'string', length: 64 },
    state: { type: 'string', length: 10 },
    confidence: { type: 'double', nullable: true },
    takeProfitPercent: { type: 'double', nullable: true },
    stopLossPercent: { type: 'double', nullable: true },
    reason: { type: 'string', length: 32, nullable: true },
    error: { type: 'text', nullable: true },
    createdAt: unixMs,
    updatedAt: unixMs,
  },
});
