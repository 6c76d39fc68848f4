import { type DecimalInput, type DecimalString, dec, toDecimalString } from '../decimal';

export interface BuyAndHold {
  /** What the starting balance would be worth: bought at `firstPrice`, sold at `lastPrice`. */
  finalEquity: DecimalString;
  profitLoss: DecimalString;
  /** profitLoss as a percent of the starting balance, 4 decimals. */
  profitLossPercent: DecimalString;
}

/**
 * The benchmark for a strategy over the same period: put the whole starting balance in at the
 * first price and take it out at the last, paying `feePercent` (percent of the value) on each
 * side as the strategy does.
 */
export function buyAndHold(options: {
  startingBalance: DecimalInput;
  firstPrice: DecimalInput;
  lastPrice: DecimalInput;
  feePercent?: DecimalInput;
}): BuyAndHold {
  const start = dec(options.startingBalance);
  const keep = dec(100)
    .minus(options.feePercent ?? 0)
    .div(100);
  const quantity = start.mul(keep).div(options.firstPrice);
  const final = quantity.mul(options.lastPrice).mul(keep).toDecimalPlaces(8);
  const pnl = final.minus(start);
  return {
    finalEquity: toDecimalString(final),
    profitLoss: toDecimalString(pnl),
    profitLossPercent: start.isZero() ? '0' : toDecimalString(pnl.div(start).mul(100).toDecimalPlaces(4)),
  };
}
