import { z } from 'zod';
import { decimalStringSchema } from '../decimal';
import { tradeSideSchema } from './signal';

/**
 * The order journal. An intent is written BEFORE its order is sent, keyed by a deterministic
 * client order id, so that after a crash the engine can ask the venue what became of it.
 *
 * States: `pending` (journalled, maybe sent), `entered` (kept for stores written before 0.2: an
 * entry filled but not recorded), `open` (entry filled, trade and position recorded: the monitor
 * owns it from here), `failed` (venue has no such order), `done` (a close intent that completed).
 */
export const orderIntentStateSchema = z.enum(['pending', 'entered', 'open', 'failed', 'done']);
export type OrderIntentState = z.infer<typeof orderIntentStateSchema>;

export const orderIntentKindSchema = z.enum(['entry', 'close']);
export type OrderIntentKind = z.infer<typeof orderIntentKindSchema>;

export const orderIntentSchema = z.object({
  clientOrderId: z.string().min(1).max(36),
  userId: z.string(),
  kind: orderIntentKindSchema,
  symbol: z.string(),
  side: tradeSideSchema,
  quantity: decimalStringSchema,
  /** For entries: the trade id the fill will be recorded under. For closes: the trade closed. */
  tradeId: z.string(),
  state: orderIntentStateSchema,
  /** Signal confidence (entries), copied into the trade on recovery. */
  confidence: z.number().min(0).max(100).optional(),
  /** Exit distances from the entry fill the trade was sized with, percent (entries). */
  takeProfitPercent: z.number().positive().optional(),
  stopLossPercent: z.number().positive().optional(),
  /** Exit reason (closes). */
  reason: z.string().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  error: z.string().optional(),
});
export type OrderIntent = z.infer<typeof orderIntentSchema>;
