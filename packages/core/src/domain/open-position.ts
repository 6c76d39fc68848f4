import { z } from 'zod';
import { type DecimalString, decimalStringSchema } from '../decimal';
import { tradeSideSchema } from './signal';
import type { Trade } from './trade';

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

/**
 * The open position of a filled trade. The exit may sell less than the entry bought (a fee taken
 * in the base asset), hence the optional `quantity`.
 */
export function openPositionOf(
  trade: Trade,
  exit: { exitRef: string; quantity?: DecimalString },
): OpenPosition {
  return {
    tradeId: trade.id,
    userId: trade.userId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: exit.quantity ?? trade.quantity,
    entryPrice: trade.entryPrice,
    takeProfit: trade.takeProfit,
    stopLoss: trade.stopLoss,
    exitRef: exit.exitRef,
    openedAt: trade.openedAt,
  };
}
