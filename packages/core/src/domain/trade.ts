import { z } from 'zod';
import { decimalStringSchema } from '../decimal';
import { exitReasonSchema } from './exit-reason';
import { tradeSideSchema } from './signal';

export const tradeStatusSchema = z.enum(['pending', 'filled', 'closed', 'failed']);
export type TradeStatus = z.infer<typeof tradeStatusSchema>;

/**
 * A trade from entry to exit. Amounts are decimal strings: quantity in base units, prices and
 * P&L in quote units. Times are Unix ms.
 */
export const tradeSchema = z.object({
  id: z.string(),
  userId: z.string(),
  symbol: z.string(),
  side: tradeSideSchema,
  status: tradeStatusSchema,
  /** Filled entry quantity, base units. */
  quantity: decimalStringSchema,
  /** Average entry fill price. */
  entryPrice: decimalStringSchema,
  /** Entry fee converted to quote units. */
  entryFee: decimalStringSchema,
  takeProfit: decimalStringSchema,
  stopLoss: decimalStringSchema,
  confidence: z.number().min(0).max(100),
  /** The entry order's deterministic client order id (the journal key). */
  clientOrderId: z.string(),
  entryOrderId: z.string().optional(),
  /** The venue's reference of the OCO exit. */
  exitRef: z.string().optional(),
  openedAt: z.number().int(),
  closedAt: z.number().int().optional(),
  exitPrice: decimalStringSchema.optional(),
  exitFee: decimalStringSchema.optional(),
  exitReason: exitReasonSchema.optional(),
  /** Net of entry and exit fees, quote units. */
  profitLoss: decimalStringSchema.optional(),
  /** Net P&L as a percent of the entry value. */
  profitLossPercent: decimalStringSchema.optional(),
  durationSeconds: z.number().int().nonnegative().optional(),
});
export type Trade = z.infer<typeof tradeSchema>;
