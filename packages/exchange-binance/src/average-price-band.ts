import { type DecimalString, dec, type MarketRules, roundOrderPrice } from '@trd/core';

/**
 * How far Binance's `avgPriceMins` average (5 minutes on spot) is assumed to stay from the last
 * price. Only a crash or a spike within minutes moves it further; then Binance itself refuses the
 * order with its filter error (-1013), which the adapter maps to a refusal and answers by
 * reloading the rules, so nothing is placed that should not be.
 */
export const AVERAGE_PRICE_BAND = 0.1;

/**
 * True when `check` (a pre-send check that throws on failure and whose limits are monotonic in
 * the average price: a minimum notional, a maximum notional, PERCENT_PRICE_BY_SIDE's two bounds)
 * passes at both ends of the band around `lastPrice`, so it passes for any average inside it:
 * the average price need not be read (`GET avgPrice`, weight 2).
 */
export function passesAcrossAverageBand(
  rules: MarketRules,
  lastPrice: DecimalString,
  check: (averagePrice: DecimalString) => void,
): boolean {
  const last = dec(lastPrice);
  if (!last.gt(0)) return false;
  try {
    check(roundOrderPrice(rules, last.mul(1 - AVERAGE_PRICE_BAND).toFixed(), 'down'));
    check(roundOrderPrice(rules, last.mul(1 + AVERAGE_PRICE_BAND).toFixed(), 'up'));
    return true;
  } catch {
    return false;
  }
}
