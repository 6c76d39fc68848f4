import {
  type DecimalInput,
  type DecimalString,
  dec,
  floorToStep,
  isMultipleOf,
  roundToTick,
  toDecimalString,
  toMoneyString,
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

/** What an exit pair can break beyond the order filters of each leg. */
export type ExitFilter = OrderFilter | 'EXIT_LEGS' | 'EXIT_LAST_PRICE';

export interface ExitCheckFailure {
  filter: ExitFilter;
  message: string;
}

/** An exit pair (take profit + stop loss) as checked before it is sent. Prices as decimal strings. */
export interface ExitCheckInput {
  /** The exit's side: `sell` closes a long, `buy` closes a short. */
  side: 'buy' | 'sell';
  quantity: DecimalString;
  takeProfit: DecimalString;
  stopLoss: DecimalString;
  /** The stop leg's limit price, when the venue takes one. */
  stopLimit?: DecimalString;
  /** The market's last price (on the tick); when given, both legs must lie on either side of it. */
  lastPrice?: DecimalString;
}

/**
 * Every rule the exit pair breaks; empty when a venue would accept it. Each leg must pass the order
 * filters; a sell exit needs take profit > stop loss >= stop limit (a buy exit the mirror), and with
 * `lastPrice` a sell exit needs the take profit above it and the stop loss below (a buy the mirror).
 */
export function checkExit(rules: MarketRules, exit: ExitCheckInput): ExitCheckFailure[] {
  const failures: ExitCheckFailure[] = [];
  const seen = new Set<string>();
  const legs = [exit.takeProfit, exit.stopLoss, ...(exit.stopLimit === undefined ? [] : [exit.stopLimit])];
  for (const price of legs) {
    for (const failure of checkOrder(rules, { quantity: exit.quantity, price })) {
      const key = `${failure.filter}: ${failure.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        failures.push(failure);
      }
    }
  }
  const takeProfit = dec(exit.takeProfit);
  const stopLoss = dec(exit.stopLoss);
  const stopLimit = exit.stopLimit === undefined ? undefined : dec(exit.stopLimit);
  const legsOk =
    exit.side === 'sell'
      ? takeProfit.gt(stopLoss) && (stopLimit === undefined || stopLimit.lte(stopLoss))
      : takeProfit.lt(stopLoss) && (stopLimit === undefined || stopLimit.gte(stopLoss));
  if (!legsOk) {
    const expected =
      exit.side === 'sell'
        ? `take profit > stop loss${stopLimit === undefined ? '' : ' >= stop limit'}`
        : `take profit < stop loss${stopLimit === undefined ? '' : ' <= stop limit'}`;
    failures.push({
      filter: 'EXIT_LEGS',
      message: `a ${exit.side} exit needs ${expected}; got take profit ${exit.takeProfit}, stop loss ${exit.stopLoss}${exit.stopLimit === undefined ? '' : `, stop limit ${exit.stopLimit}`}`,
    });
  }
  if (exit.lastPrice !== undefined) {
    const last = dec(exit.lastPrice);
    const aroundOk =
      exit.side === 'sell'
        ? takeProfit.gt(last) && stopLoss.lt(last)
        : takeProfit.lt(last) && stopLoss.gt(last);
    if (!aroundOk) {
      const [above, below] =
        exit.side === 'sell' ? ['take profit', 'stop loss'] : ['stop loss', 'take profit'];
      failures.push({
        filter: 'EXIT_LAST_PRICE',
        message: `the ${above} must be above the last price ${exit.lastPrice} and the ${below} below it; got take profit ${exit.takeProfit}, stop loss ${exit.stopLoss}`,
      });
    }
  }
  return failures;
}

/** Throws `InvalidOrderError` naming every rule the exit pair breaks (see `checkExit`). */
export function assertExitFits(rules: MarketRules, exit: ExitCheckInput): void {
  const failures = checkExit(rules, exit);
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

/**
 * Sum of fees converted to the quote asset at `price` (base-asset fees × price; others as is),
 * rounded to what a store keeps: a fee of 8 places at an average price of 12 has 20.
 */
export function feesInQuote(
  rules: MarketRules,
  fees: readonly { amount: DecimalString; asset: string }[],
  price: DecimalString | number,
): DecimalString {
  let total = dec(0);
  for (const fee of fees) {
    total = total.plus(fee.asset === rules.baseAsset ? dec(fee.amount).mul(price) : dec(fee.amount));
  }
  return toMoneyString(total);
}
