import Decimal from 'decimal.js';
import { rejections } from './binance-api-error';

export interface SymbolInfo {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  baseAssetPrecision: number;
  quoteAssetPrecision: number;
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

/** Binance rejects a parameter with more decimals than the asset allows before checking filters. */
export function checkPrecision(name: string, value: string, decimals: number): void {
  const fraction = value.split('.')[1] ?? '';
  if (fraction.replace(/0+$/, '').length > decimals) throw rejections.badPrecision(name);
}

/** LOT_SIZE (filters.md): minQty <= qty <= maxQty and (qty - minQty) % stepSize == 0. */
export function checkLotSize(info: SymbolInfo, quantity: Decimal, market: boolean): void {
  const lot = filterOf(info, 'LOT_SIZE');
  if (lot) {
    const min = new Decimal(lot('minQty'));
    const max = new Decimal(lot('maxQty'));
    const step = new Decimal(lot('stepSize'));
    if (
      quantity.lt(min) ||
      (!max.isZero() && quantity.gt(max)) ||
      (!step.isZero() && !quantity.minus(min).mod(step).isZero())
    ) {
      throw rejections.filter('LOT_SIZE');
    }
  }
  const marketLot = market ? filterOf(info, 'MARKET_LOT_SIZE') : undefined;
  if (marketLot && !new Decimal(marketLot('maxQty')).isZero() && quantity.gt(marketLot('maxQty'))) {
    throw rejections.filter('MARKET_LOT_SIZE');
  }
}

/** PRICE_FILTER applies to `price` and `stopPrice`: min, max and tick (0 disables a rule). */
export function checkPriceFilter(info: SymbolInfo, price: Decimal): void {
  const filter = filterOf(info, 'PRICE_FILTER');
  if (!filter) return;
  const min = new Decimal(filter('minPrice'));
  const max = new Decimal(filter('maxPrice'));
  const tick = new Decimal(filter('tickSize'));
  if (
    (!min.isZero() && price.lt(min)) ||
    (!max.isZero() && price.gt(max)) ||
    (!tick.isZero() && !price.minus(min).mod(tick).isZero())
  ) {
    throw rejections.filter('PRICE_FILTER');
  }
}

/** NOTIONAL (current) or MIN_NOTIONAL (legacy): price × quantity at least the minimum; market orders only when applied to them. */
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
