import { type Candle, type Decimal, dec, roundToTick, type TradeSide } from '@trd/core';

export interface ExitLevels {
  /** Side of the exit orders: `sell` closes a long. */
  side: TradeSide;
  takeProfit: Decimal;
  stopLoss: Decimal;
  /** Limit price of the stop leg once triggered; none: the stop fills at any price (a stop-market). */
  stopLimit?: Decimal;
}

/**
 * A stretch of the price path: a whole bar, or a single price set by hand (open = high = low).
 * Without `open` the stretch is taken to start inside the legs (no gap).
 */
export type PricePath = Pick<Candle, 'high' | 'low'> & { open?: number };

/**
 * Which leg a stretch of the price path fills, if any. A sell exit takes profit when the high
 * reaches the take profit and stops out when the low reaches the stop; a buy exit mirrors it.
 * A stretch that OPENS at or beyond a leg reaches that leg first. Otherwise, when one bar touches
 * both legs the order inside the bar is unknown: the stop loss is assumed first (pessimistic), so a
 * simulation never flatters a strategy.
 */
export function triggeredLeg(levels: ExitLevels, path: PricePath): 'take_profit' | 'stop_loss' | undefined {
  const sell = levels.side === 'sell';
  if (path.open !== undefined) {
    const open = dec(path.open);
    if (sell ? open.lte(levels.stopLoss) : open.gte(levels.stopLoss)) return 'stop_loss';
    if (sell ? open.gte(levels.takeProfit) : open.lte(levels.takeProfit)) return 'take_profit';
  }
  const stopHit = sell ? levels.stopLoss.gte(path.low) : levels.stopLoss.lte(path.high);
  if (stopHit) return 'stop_loss';
  const takeProfitHit = sell ? levels.takeProfit.lte(path.high) : levels.takeProfit.gte(path.low);
  return takeProfitHit ? 'take_profit' : undefined;
}

/**
 * The price a triggered stop trades at: the stop price, or the stretch's open when it opens beyond
 * the stop (a gap: a sell stop with open < stop trades at the open). The open is rounded to the tick
 * against the exit (sell: down, buy: up).
 */
export function stopTradePrice(
  levels: Pick<ExitLevels, 'side' | 'stopLoss'>,
  path: PricePath,
  tickSize: string,
): { price: Decimal; gap: boolean } {
  if (path.open === undefined) return { price: levels.stopLoss, gap: false };
  const open = dec(path.open);
  const gap = levels.side === 'sell' ? open.lt(levels.stopLoss) : open.gt(levels.stopLoss);
  if (!gap) return { price: levels.stopLoss, gap: false };
  return { price: dec(roundToTick(open, tickSize, levels.side === 'sell' ? 'down' : 'up')), gap: true };
}

/** Whether a stop trading at `price` misses its limit: a sell below the limit, a buy above it. */
export function beyondLimit(side: TradeSide, price: Decimal, limit: Decimal): boolean {
  return side === 'sell' ? price.lt(limit) : price.gt(limit);
}

/** Whether a working limit order at `limit` fills on the stretch: a sell when the high reaches it, a buy when the low does. */
export function limitReached(side: TradeSide, limit: Decimal, path: PricePath): boolean {
  return side === 'sell' ? limit.lte(path.high) : limit.gte(path.low);
}
