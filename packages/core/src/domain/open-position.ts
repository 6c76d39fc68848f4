import { z } from 'zod';
import { decimalStringSchema } from '../decimal';
import { tradeSideSchema } from './signal';

/** A trade whose exit has not happened yet. */
export const openPositionSchema = z.object({
  tradeId: z.string(),
  userId: z.string(),
  symbol: z.string(),
  side: tradeSideSchema,
  /** Quantity the exit sells (or buys back), base units: the entry fill net of a base-asset fee. */
  quantity: decimalStringSchema,
  entryPrice: decimalStringSchema,
  takeProfit: decimalStringSchema,
  stopLoss: decimalStringSchema,
  /** The venue's reference of the OCO exit. */
  exitRef: z.string(),
  openedAt: z.number().int(),
});
export type OpenPosition = z.infer<typeof openPositionSchema>;
