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
  /** Quote the entry paid (a buy, quote fees included) or received (a sell, net of them), exact. */
  entryQuoteAmount: decimalStringSchema.optional(),
  /** Base units the entry added (a buy, net of a base fee) or gave (a sell), exact. */
  entryNetQuantity: decimalStringSchema.optional(),
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
  /** What happened, in words, when the engine closed at market (see `ExitReason`). */
  exitNote: z.string().optional(),
  /** Base units the closing order sold (or bought back): the position's quantity, dust swept in. */
  exitQuantity: decimalStringSchema.optional(),
  /**
   * Realized P&L, quote units, as cash: what the exit brought in minus what the entry cost, fees
   * included. Dust this trade left behind is charged here; dust of earlier trades its exit sold is
   * counted here. So the starting quote balance + Σ profitLoss = the venue's quote balance.
   */
  profitLoss: decimalStringSchema.optional(),
  /** Net P&L as a percent of the entry value. */
  profitLossPercent: decimalStringSchema.optional(),
  durationSeconds: z.number().int().nonnegative().optional(),
});
export type Trade = z.infer<typeof tradeSchema>;
