import {
  type DecimalInput,
  type DecimalString,
  dec,
  floorToStep,
  isMultipleOf,
  roundToTick,
  toDecimalString,
} from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import { InvalidOrderError } from '../errors';
import type { OrderReport } from '../ports/trading-account';

/**
 * What every venue needs before an order leaves: quantities floored to the step, prices rounded to
 * the tick, and the minimum notional checked. Lives here once so adapters stay thin.
 */

export type OrderFilter = 'LOT_SIZE' | 'PRICE_FILTER' | 'MIN_NOTIONAL';

export interface OrderCheckFailure {
  filter: OrderFilter;
  message: string;
}

/** Floors a quantity to the symbol's step size (never more than asked). */
export function roundOrderQuantity(rules: MarketRules, quantity: DecimalInput): DecimalString {
  return floorToStep(quantity, rules.stepSize);
}

/** Rounds a price to the symbol's tick size. */
export function roundOrderPrice(
  rules: MarketRules,
  price: DecimalString | number,
  mode: 'nearest' | 'down' | 'up' = 'nearest',
): DecimalString {
  return roundToTick(price, rules.tickSize, mode);
}

/** Every filter the order breaks; empty when the venue would accept it. */
export function checkOrder(
  rules: MarketRules,
  order: { quantity: DecimalString; price: DecimalString | number },
): OrderCheckFailure[] {
  const failures: OrderCheckFailure[] = [];
  const quantity = dec(order.quantity);
  const price = dec(order.price);
  if (quantity.lte(0)) {
    failures.push({ filter: 'LOT_SIZE', message: `quantity ${order.quantity} must be positive` });
  } else {
    if (quantity.lt(rules.minQuantity)) {
      failures.push({
        filter: 'LOT_SIZE',
        message: `quantity ${order.quantity} is below the minimum ${rules.minQuantity}`,
      });
    }
    if (rules.maxQuantity && quantity.gt(rules.maxQuantity)) {
      failures.push({
        filter: 'LOT_SIZE',
        message: `quantity ${order.quantity} is above the maximum ${rules.maxQuantity}`,
      });
    }
    if (!isMultipleOf(quantity, rules.stepSize)) {
      failures.push({
        filter: 'LOT_SIZE',
        message: `quantity ${order.quantity} is not a multiple of the step ${rules.stepSize}`,
      });
    }
  }
  if (price.lte(0)) {
    failures.push({ filter: 'PRICE_FILTER', message: `price ${toDecimalString(price)} must be positive` });
  } else if (!isMultipleOf(price, rules.tickSize)) {
    failures.push({
      filter: 'PRICE_FILTER',
      message: `price ${toDecimalString(price)} is not a multiple of the tick ${rules.tickSize}`,
    });
  }
  const notional = quantity.mul(price);
  if (quantity.gt(0) && price.gt(0) && notional.lt(rules.minNotional)) {
    failures.push({
      filter: 'MIN_NOTIONAL',
      message: `order value ${toDecimalString(notional)} ${rules.quoteAsset} is below the minimum notional ${rules.minNotional}`,
    });
  }
  return failures;
}

/** Throws `InvalidOrderError` naming every broken filter. */
export function assertOrderFits(
  rules: MarketRules,
  order: { quantity: DecimalString; price: DecimalString | number },
): void {
  const failures = checkOrder(rules, order);
  if (failures.length > 0) {
    throw new InvalidOrderError(
      `${rules.symbol}: ${failures.map((f) => `${f.filter}: ${f.message}`).join('; ')}`,
    );
  }
}

/**
 * The quantity an exit can sell after a buy entry: what filled, minus a fee the venue took in the
 * base asset, floored to the step. For a sell entry (buying back), the filled quantity as is.
 */
export function exitQuantityAfterEntry(rules: MarketRules, entry: OrderReport): DecimalString {
  let quantity = dec(entry.executedQuantity);
  if (entry.side === 'buy') {
    for (const fee of entry.fees) {
      if (fee.asset === rules.baseAsset) quantity = quantity.minus(fee.amount);
    }
  }
  return roundOrderQuantity(rules, quantity);
}

/** Sum of fees converted to the quote asset at `price` (base-asset fees × price; others as is). */
export function feesInQuote(
  rules: MarketRules,
  fees: readonly { amount: DecimalString; asset: string }[],
  price: DecimalString | number,
): DecimalString {
  let total = dec(0);
  for (const fee of fees) {
    total = total.plus(fee.asset === rules.baseAsset ? dec(fee.amount).mul(price) : dec(fee.amount));
  }
  return toDecimalString(total);
}
