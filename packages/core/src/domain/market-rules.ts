import { z } from 'zod';
import { decimalStringSchema } from '../decimal';

/** A symbol's trading rules (Binance's PRICE_FILTER, LOT_SIZE and NOTIONAL filters). */
export const marketRulesSchema = z.object({
  symbol: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  /** Price increment, quote units. */
  tickSize: decimalStringSchema,
  /** Quantity increment, base units. */
  stepSize: decimalStringSchema,
  minQuantity: decimalStringSchema,
  maxQuantity: decimalStringSchema.optional(),
  /** Minimum order value (price × quantity), quote units. */
  minNotional: decimalStringSchema,
});
export type MarketRules = z.infer<typeof marketRulesSchema>;
