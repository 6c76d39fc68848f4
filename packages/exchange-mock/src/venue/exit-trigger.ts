import type { Candle, Decimal, TradeSide } from '@trd/core';

export interface ExitLevels {
  /** Side of the exit orders: `sell` closes a long. */
  side: TradeSide;
  takeProfit: Decimal;
  stopLoss: Decimal;
}

/** A stretch of the price path: a whole bar, or a single price set by hand. */
export type PricePath = Pick<Candle, 'high' | 'low'>;

/**
 * Which leg a stretch of the price path fills, if any. A sell exit takes profit when the high
 * reaches the take profit and stops out when the low reaches the stop; a buy exit mirrors it.
 * When one bar touches both legs the order inside the bar is unknown: the stop loss is assumed
 * first (pessimistic), so a simulation never flatters a strategy.
 */
export function triggeredLeg(levels: ExitLevels, path: PricePath): 'take_profit' | 'stop_loss' | undefined {
  const stopHit = levels.side === 'sell' ? levels.stopLoss.gte(path.low) : levels.stopLoss.lte(path.high);
  if (stopHit) return 'stop_loss';
  const takeProfitHit =
    levels.side === 'sell' ? levels.takeProfit.lte(path.high) : levels.takeProfit.gte(path.low);
  return takeProfitHit ? 'take_profit' : undefined;
}
