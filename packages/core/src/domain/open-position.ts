import { z } from 'zod';
import { type DecimalString, decimalStringSchema } from '../decimal';
import { tradeSideSchema } from './signal';
import type { Trade } from './trade';

/**
 * `protected`: an exit pair is working at the venue (`exitRef`). `unprotected`: the entry filled
 * and nothing protects it yet (the exit is being placed, was refused, cancelled, or its stop
 * triggered without filling): the monitor owns it and protects or closes it within one pass.
 */
export const positionProtectionSchema = z.enum(['protected', 'unprotected']);
export type PositionProtection = z.infer<typeof positionProtectionSchema>;

/** A trade whose exit has not happened yet: it exists from the moment its entry filled. */
export const openPositionSchema = z.object({
  tradeId: z.string(),
  userId: z.string(),
  symbol: z.string(),
  side: tradeSideSchema,
  /**
   * Quantity the exit sells (or buys back), base units: the entry fill net of a base-asset fee,
   * plus dust of earlier trades swept into it, floored to the step.
   */
  quantity: decimalStringSchema,
  entryPrice: decimalStringSchema,
  takeProfit: decimalStringSchema,
  stopLoss: decimalStringSchema,
  protection: positionProtectionSchema,
  /** The venue's reference of the working exit pair (protected positions only). */
  exitRef: z.string().optional(),
  /** Since when nothing has protected the position, Unix ms (unprotected positions only). */
  unprotectedSince: z.number().int().optional(),
  openedAt: z.number().int(),
});
export type OpenPosition = z.infer<typeof openPositionSchema>;

/** What `Store.updatePositionExit` writes: an exit now works, or nothing protects the position. */
export type PositionExitUpdate =
  | { protection: 'protected'; exitRef: string; takeProfit: DecimalString; stopLoss: DecimalString }
  | { protection: 'unprotected'; since: number };

/**
 * The open position of a filled trade: protected when `exit.exitRef` is given, else unprotected
 * since the trade opened. The exit may sell less than the entry bought (a base-asset fee) or more
 * (swept dust), hence the optional `quantity`.
 */
export function openPositionOf(
  trade: Trade,
  exit: { exitRef?: string; quantity?: DecimalString; unprotectedSince?: number },
): OpenPosition {
  const position: OpenPosition = {
    tradeId: trade.id,
    userId: trade.userId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: exit.quantity ?? trade.quantity,
    entryPrice: trade.entryPrice,
    takeProfit: trade.takeProfit,
    stopLoss: trade.stopLoss,
    protection: exit.exitRef === undefined ? 'unprotected' : 'protected',
    openedAt: trade.openedAt,
  };
  if (exit.exitRef === undefined) position.unprotectedSince = exit.unprotectedSince ?? trade.openedAt;
  else position.exitRef = exit.exitRef;
  return position;
}

/** Applies an exit update to a position (stores use it so they agree on the result). */
export function withPositionExit(position: OpenPosition, update: PositionExitUpdate): OpenPosition {
  const { exitRef: _exitRef, unprotectedSince: _since, ...rest } = position;
  return update.protection === 'protected'
    ? {
        ...rest,
        protection: 'protected',
        exitRef: update.exitRef,
        takeProfit: update.takeProfit,
        stopLoss: update.stopLoss,
      }
    : { ...rest, protection: 'unprotected', unprotectedSince: update.since };
}
