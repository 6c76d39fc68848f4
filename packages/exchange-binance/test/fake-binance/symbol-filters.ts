import Decimal from 'decimal.js';
import { rejections } from './binance-api-error';

export interface SymbolInfo {
  symbol: string;
  /** enums.md:5-11: TRADING, END_OF_DAY, HALT, BREAK, CANCEL_ONLY. */
  status?: string;
  baseAsset: string;
  quoteAsset: string;
  baseAssetPrecision: number;
  quoteAssetPrecision: number;
  /** enums.md:90-98: the order types the symbol accepts. */
  orderTypes?: string[];
  ocoAllowed?: boolean;
  filters: Record<string, unknown>[];
}

/** A filter's fields as strings (`"0"` when absent, which disables the rule on Binance). */
export type FilterFields = (name: string) => string;

export function filterOf(info: SymbolInfo, type: string): FilterFields | undefined {
  const filter = info.filters.find((candidate) => candidate.filterType === type);
  if (!filter) return undefined;
  return (name) => String(filter[name] ?? '0');
}

function flag(filter: FilterFields, name: string): boolean {
  return filter(name) === 'true';
}

/** Binance rejects a parameter with more decimals than the asset allows before checking filters (errors.md:109-110, -1111). */
export function checkPrecision(name: string, value: string, decimals: number): void {
  const fraction = value.split('.')[1] ?? '';
  if (fraction.replace(/0+$/, '').length > decimals) throw rejections.badPrecision(name);
}

/** min <= value <= max and value % step == 0, each rule off when its bound is 0. */
function withinLot(quantity: Decimal, min: Decimal, max: Decimal, step: Decimal): boolean {
  return (
    !quantity.lt(min) && (max.isZero() || !quantity.gt(max)) && (step.isZero() || quantity.mod(step).isZero())
  );
}

/**
 * filters.md:111-122 LOT_SIZE: `quantity >= minQty`, `quantity <= maxQty`, `quantity % stepSize == 0`.
 * filters.md:194-205 MARKET_LOT_SIZE, the same for MARKET orders (BTCUSDT's has minQty and stepSize
 * 0, which disables them as in every other filter, filters.md:40-44).
 */
export function checkLotSize(info: SymbolInfo, quantity: Decimal, market: boolean): void {
  const lot = filterOf(info, 'LOT_SIZE');
  if (
    lot &&
    !withinLot(quantity, new Decimal(lot('minQty')), new Decimal(lot('maxQty')), new Decimal(lot('stepSize')))
  )
    throw rejections.filter('LOT_SIZE');
  const marketLot = market ? filterOf(info, 'MARKET_LOT_SIZE') : undefined;
  if (
    marketLot &&
    !withinLot(
      quantity,
      new Decimal(marketLot('minQty')),
      new Decimal(marketLot('maxQty')),
      new Decimal(marketLot('stepSize')),
    )
  ) {
    throw rejections.filter('MARKET_LOT_SIZE');
  }
}

/** filters.md:37-48 PRICE_FILTER on `price`/`stopPrice`: `price >= minPrice`, `price <= maxPrice`, `price % tickSize == 0` (0 disables a rule). */
export function checkPriceFilter(info: SymbolInfo, price: Decimal): void {
  const filter = filterOf(info, 'PRICE_FILTER');
  if (!filter) return;
  const min = new Decimal(filter('minPrice'));
  const max = new Decimal(filter('maxPrice'));
  const tick = new Decimal(filter('tickSize'));
  if (
    (!min.isZero() && price.lt(min)) ||
    (!max.isZero() && price.gt(max)) ||
    (!tick.isZero() && !price.mod(tick).isZero())
  ) {
    throw rejections.filter('PRICE_FILTER');
  }
}

/**
 * filters.md:81-96 PERCENT_PRICE_BY_SIDE: a BUY's `price` within `average × bidMultiplierDown ..
 * average × bidMultiplierUp`, a SELL's within the ask multipliers; `average` over `avgPriceMins`.
 */
export function checkPercentPriceBySide(
  info: SymbolInfo,
  side: 'BUY' | 'SELL',
  price: Decimal,
  averagePrice: Decimal,
): void {
  const filter = filterOf(info, 'PERCENT_PRICE_BY_SIDE');
  if (!filter) return;
  const up = new Decimal(filter(side === 'BUY' ? 'bidMultiplierUp' : 'askMultiplierUp'));
  const down = new Decimal(filter(side === 'BUY' ? 'bidMultiplierDown' : 'askMultiplierDown'));
  if (price.gt(averagePrice.mul(up)) || price.lt(averagePrice.mul(down)))
    throw rejections.filter('PERCENT_PRICE_BY_SIDE');
}

/** The `avgPriceMins` of the filter that uses an average price (0: the last price, filters.md:64-65). */
export function averagePriceMinutes(info: SymbolInfo, type: string): number {
  const filter = filterOf(info, type);
  return filter ? Number(filter('avgPriceMins')) : 0;
}

/**
 * filters.md:157-169 NOTIONAL (`minNotional <= price × quantity <= maxNotional`, applied to MARKET
 * orders by `applyMinToMarket` / `applyMaxToMarket`) or filters.md:134-145 MIN_NOTIONAL (legacy,
 * `applyToMarket`). A MARKET order has no price: the caller passes the average price over
 * `avgPriceMins` (filters.md:139-142, 162-165), not the last price.
 */
export function checkNotional(info: SymbolInfo, notional: Decimal, market: boolean): void {
  const current = filterOf(info, 'NOTIONAL');
  if (current) {
    const appliesMin = !market || flag(current, 'applyMinToMarket');
    const appliesMax = !market || flag(current, 'applyMaxToMarket');
    if (appliesMin && notional.lt(current('minNotional'))) throw rejections.filter('NOTIONAL');
    if (appliesMax && !new Decimal(current('maxNotional')).isZero() && notional.gt(current('maxNotional')))
      throw rejections.filter('NOTIONAL');
    return;
  }
  const legacy = filterOf(info, 'MIN_NOTIONAL');
  if (legacy && (!market || flag(legacy, 'applyToMarket')) && notional.lt(legacy('minNotional'))) {
    throw rejections.filter('MIN_NOTIONAL');
  }
}

/** The filter a MARKET order's notional is judged by, for its average price's `avgPriceMins`. */
export function notionalFilterType(info: SymbolInfo): 'NOTIONAL' | 'MIN_NOTIONAL' {
  return filterOf(info, 'NOTIONAL') ? 'NOTIONAL' : 'MIN_NOTIONAL';
}

/**
 * filters.md:217-227 MAX_NUM_ORDERS ("both algo orders and normal orders are counted") and
 * filters.md:229-239 MAX_NUM_ALGO_ORDERS ("STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, and
 * TAKE_PROFIT_LIMIT"): open orders of the account on the symbol, with those being placed.
 */
export function checkOpenOrderCounts(
  info: SymbolInfo,
  open: { orders: number; algoOrders: number },
  adding: { orders: number; algoOrders: number },
): void {
  const maxOrders = filterOf(info, 'MAX_NUM_ORDERS');
  if (maxOrders && open.orders + adding.orders > Number(maxOrders('maxNumOrders')))
    throw rejections.filter('MAX_NUM_ORDERS');
  const maxAlgo = filterOf(info, 'MAX_NUM_ALGO_ORDERS');
  if (
    maxAlgo &&
    adding.algoOrders > 0 &&
    open.algoOrders + adding.algoOrders > Number(maxAlgo('maxNumAlgoOrders'))
  )
    throw rejections.filter('MAX_NUM_ALGO_ORDERS');
}

/** filters.md:231: the "algo" order types. */
export function isAlgoType(type: string): boolean {
  return type.startsWith('STOP_LOSS') || type.startsWith('TAKE_PROFIT');
}
