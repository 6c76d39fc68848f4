import { type Decimal, type DecimalInput, dec } from '../decimal';
import type { TradeSide } from '../domain/signal';

export interface RoundTripPrices {
  side: TradeSide;
  entryPrice: DecimalInput;
  takeProfit: DecimalInput;
  stopLoss: DecimalInput;
  /** Fee of each side, percent of that side's value (0.1 = Binance's spot rate). */
  feePercent: DecimalInput;
}

export interface RoundTripAfterFees {
  /** Net gain per unit of base when the take profit fills: the move minus both fees. */
  reward: Decimal;
  /** Net loss per unit of base (positive) when the stop fills: the move plus both fees. */
  risk: Decimal;
}

/**
 * What one trade wins or loses per unit after the entry fee and the exit fee (each a percent
 * of its own side's value). The fees shrink the reward and grow the risk, which is why a tight
 * take profit needs a high win rate.
 */
export function roundTripAfterFees(prices: RoundTripPrices): RoundTripAfterFees {
  const entry = dec(prices.entryPrice);
  const target = dec(prices.takeProfit);
  const stop = dec(prices.stopLoss);
  const fee = dec(prices.feePercent).div(100);
  const direction = prices.side === 'sell' ? -1 : 1;
  const move = (to: Decimal) => to.minus(entry).mul(direction);
  return {
    reward: move(target).minus(fee.mul(entry.plus(target))),
    risk: move(stop)
      .neg()
      .plus(fee.mul(entry.plus(stop))),
  };
}

/**
 * The win rate at which take profits pay exactly for stop losses, fees included: risk / (reward +
 * risk), a fraction in (0, 1]. `null` when the reward after fees is not positive (no win rate
 * breaks even). For the reference bot (+0.3% / −0.5%, 0.1% a side) it is 0.6995 / 0.7992 ≈
 * 0.8753: about 88 trades in 100 must win just to stand still.
 */
export function breakEvenWinRate(prices: RoundTripPrices): number | null {
  const { reward, risk } = roundTripAfterFees(prices);
  if (reward.lte(0) || risk.lte(0)) return reward.lte(0) ? null : 0;
  return risk.div(reward.plus(risk)).toNumber();
}

/** `breakEvenWinRate` of exit distances in percent from the entry, as a trading config sets them. */
export function breakEvenWinRateOfPercents(options: {
  takeProfitPercent: DecimalInput;
  stopLossPercent: DecimalInput;
  feePercent: DecimalInput;
  side?: TradeSide;
}): number | null {
  const side = options.side ?? 'buy';
  const direction = side === 'sell' ? -1 : 1;
  const entry = dec(100);
  return breakEvenWinRate({
    side,
    entryPrice: entry,
    takeProfit: entry.plus(dec(options.takeProfitPercent).mul(direction)),
    stopLoss: entry.minus(dec(options.stopLossPercent).mul(direction)),
    feePercent: options.feePercent,
  });
}
