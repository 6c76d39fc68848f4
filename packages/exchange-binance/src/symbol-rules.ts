import {
  checkOrder,
  type Decimal,
  type DecimalString,
  dec,
  type ExitRequest,
  InvalidOrderError,
  type MarketRules,
  type OrderCheckFailure,
  toDecimalString,
} from '@trd/core';
import { parseMarketRules } from './market-rules-parser';

/**
 * A symbol's exchangeInfo beyond what core's `MarketRules` hold: the filters and flags the adapter
 * checks itself before sending (filters.md; exchangeInfo `status`, `orderTypes`, `ocoAllowed`).
 */
export interface BinanceSymbolRules {
  /** What core keeps: tick, step, min/max quantity, min notional. */
  readonly market: MarketRules;
  /** enums.md "Symbol status": only `TRADING` accepts orders ("Market is closed.", errors.md:376). */
  readonly status: string;
  readonly orderTypes: ReadonlySet<string>;
  readonly ocoAllowed: boolean;
  /** PRICE_FILTER bounds on `price`/`stopPrice`, absent when 0 (disabled, filters.md:40-44). */
  readonly minPrice?: DecimalString;
  readonly maxPrice?: DecimalString;
  /** MARKET_LOT_SIZE (filters.md:194-205); a 0 bound is off, as in every filter. */
  readonly marketLot?: { minQuantity: DecimalString; maxQuantity?: DecimalString; stepSize?: DecimalString };
  /** NOTIONAL (or legacy MIN_NOTIONAL): whether it judges MARKET orders, at the `avgPriceMins` average. */
  readonly notional: {
    filter: 'NOTIONAL' | 'MIN_NOTIONAL' | 'none';
    minNotional: DecimalString;
    maxNotional?: DecimalString;
    applyMinToMarket: boolean;
    applyMaxToMarket: boolean;
    averagePriceMinutes: number;
  };
  /** PERCENT_PRICE_BY_SIDE (filters.md:81-96): a limit price's band around the average price. */
  readonly percentPriceBySide?: {
    bidMultiplierUp: DecimalString;
    bidMultiplierDown: DecimalString;
    askMultiplierUp: DecimalString;
    askMultiplierDown: DecimalString;
    averagePriceMinutes: number;
  };
}

interface SymbolInfo {
  symbol?: string;
  status?: string;
  orderTypes?: unknown;
  ocoAllowed?: unknown;
  filters?: { filterType: string; [key: string]: unknown }[];
}

const decimal = (value: unknown): DecimalString | undefined =>
  value === undefined || value === null ? undefined : toDecimalString(String(value));
const positive = (value: unknown): DecimalString | undefined => {
  const parsed = decimal(value);
  return parsed !== undefined && dec(parsed).gt(0) ? parsed : undefined;
};

/** Reads every filter the adapter checks from one exchangeInfo symbol. */
export function parseSymbolRules(info: unknown): BinanceSymbolRules {
  const symbol = info as SymbolInfo;
  const filters = Array.isArray(symbol?.filters) ? symbol.filters : [];
  const find = (type: string) => filters.find((filter) => filter.filterType === type);
  const price = find('PRICE_FILTER');
  const marketLot = find('MARKET_LOT_SIZE');
  const notional = find('NOTIONAL');
  const legacy = find('MIN_NOTIONAL');
  const percent = find('PERCENT_PRICE_BY_SIDE');
  const marketMax = positive(marketLot?.maxQty);
  const marketStep = positive(marketLot?.stepSize);
  return {
    market: parseMarketRules(info),
    status: typeof symbol?.status === 'string' ? symbol.status : 'TRADING',
    orderTypes: new Set(Array.isArray(symbol?.orderTypes) ? (symbol.orderTypes as string[]) : []),
    ocoAllowed: symbol?.ocoAllowed !== false,
    ...(positive(price?.minPrice) ? { minPrice: positive(price?.minPrice) } : {}),
    ...(positive(price?.maxPrice) ? { maxPrice: positive(price?.maxPrice) } : {}),
    ...(marketLot
      ? {
          marketLot: {
            minQuantity: decimal(marketLot.minQty) ?? '0',
            ...(marketMax ? { maxQuantity: marketMax } : {}),
            ...(marketStep ? { stepSize: marketStep } : {}),
          },
        }
      : {}),
    notional: notional
      ? {
          filter: 'NOTIONAL',
          minNotional: decimal(notional.minNotional) ?? '0',
          ...(positive(notional.maxNotional) ? { maxNotional: positive(notional.maxNotional) } : {}),
          applyMinToMarket: notional.applyMinToMarket === true,
          applyMaxToMarket: notional.applyMaxToMarket === true,
          averagePriceMinutes: Number(notional.avgPriceMins ?? 0),
        }
      : legacy
        ? {
            filter: 'MIN_NOTIONAL',
            minNotional: decimal(legacy.minNotional) ?? '0',
            applyMinToMarket: legacy.applyToMarket === true,
            applyMaxToMarket: false,
            averagePriceMinutes: Number(legacy.avgPriceMins ?? 0),
          }
        : {
            filter: 'none',
            minNotional: '0',
            applyMinToMarket: false,
            applyMaxToMarket: false,
            averagePriceMinutes: 0,
          },
    ...(percent
      ? {
          percentPriceBySide: {
            bidMultiplierUp: decimal(percent.bidMultiplierUp) ?? '0',
            bidMultiplierDown: decimal(percent.bidMultiplierDown) ?? '0',
            askMultiplierUp: decimal(percent.askMultiplierUp) ?? '0',
            askMultiplierDown: decimal(percent.askMultiplierDown) ?? '0',
            averagePriceMinutes: Number(percent.avgPriceMins ?? 0),
          },
        }
      : {}),
  };
}

function fail(symbol: string, failures: readonly { filter: string; message: string }[]): void {
  if (failures.length > 0)
    throw new InvalidOrderError(`${symbol}: ${failures.map((f) => `${f.filter}: ${f.message}`).join('; ')}`);
}

/** The symbol trades and takes these order types (and OCO lists, when `oco`). */
function tradingFailures(rules: BinanceSymbolRules, types: readonly string[], oco: boolean) {
  const failures: { filter: string; message: string }[] = [];
  if (rules.status !== 'TRADING')
    failures.push({ filter: 'STATUS', message: `the symbol is ${rules.status}, not TRADING` });
  if (oco && !rules.ocoAllowed)
    failures.push({ filter: 'OCO', message: 'the symbol does not allow OCO orders' });
  for (const type of types) {
    if (rules.orderTypes.size > 0 && !rules.orderTypes.has(type))
      failures.push({ filter: 'ORDER_TYPES', message: `the symbol does not take ${type} orders` });
  }
  return failures;
}

/**
 * A MARKET order as Binance judges it: the symbol trading and taking MARKET orders; LOT_SIZE (core)
 * and MARKET_LOT_SIZE; the notional at `averagePrice` (the `avgPriceMins` average Binance uses for
 * MARKET orders, filters.md:139-142, 162-165) when the filter applies to MARKET orders.
 */
export function assertMarketOrderFits(
  rules: BinanceSymbolRules,
  order: { quantity: DecimalString; averagePrice: DecimalString },
): void {
  const failures: { filter: string; message: string }[] = tradingFailures(rules, ['MARKET'], false);
  const core = checkOrder(rules.market, { quantity: order.quantity, price: order.averagePrice });
  failures.push(
    ...core.filter(
      (failure: OrderCheckFailure) => failure.filter !== 'MIN_NOTIONAL' || rules.notional.applyMinToMarket,
    ),
  );
  const quantity = dec(order.quantity);
  const lot = rules.marketLot;
  if (lot) {
    if (quantity.lt(lot.minQuantity))
      failures.push({
        filter: 'MARKET_LOT_SIZE',
        message: `quantity ${order.quantity} is below the minimum ${lot.minQuantity}`,
      });
    if (lot.maxQuantity && quantity.gt(lot.maxQuantity))
      failures.push({
        filter: 'MARKET_LOT_SIZE',
        message: `quantity ${order.quantity} is above the maximum ${lot.maxQuantity}`,
      });
    if (lot.stepSize && !quantity.mod(lot.stepSize).isZero())
      failures.push({
        filter: 'MARKET_LOT_SIZE',
        message: `quantity ${order.quantity} is not a multiple of the step ${lot.stepSize}`,
      });
  }
  const { maxNotional, applyMaxToMarket } = rules.notional;
  const value = quantity.mul(order.averagePrice);
  if (maxNotional && applyMaxToMarket && value.gt(maxNotional))
    failures.push({
      filter: 'NOTIONAL',
      message: `order value ${toDecimalString(value)} is above the maximum notional ${maxNotional}`,
    });
  fail(rules.market.symbol, failures);
}

/** The OCO order types of an exit (see `exitOrderParams`). */
export function exitOrderTypes(side: ExitRequest['side'], stopMarket: boolean): string[] {
  const stop = stopMarket ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT';
  return side === 'sell' ? ['LIMIT_MAKER', stop] : [stop, 'TAKE_PROFIT_LIMIT'];
}

/**
 * What core's `assertExitFits` does not know of an exit: the symbol trading, allowing OCO and the
 * legs' order types; PRICE_FILTER's min and max on every price; NOTIONAL's maximum per leg; and
 * PERCENT_PRICE_BY_SIDE on the limit prices (the take profit and the stop limit) around
 * `averagePrice`.
 */
export function assertExitAllowed(
  rules: BinanceSymbolRules,
  exit: {
    side: ExitRequest['side'];
    quantity: DecimalString;
    takeProfit: DecimalString;
    stopLoss: DecimalString;
    stopLimit?: DecimalString;
  },
  averagePrice: DecimalString | undefined,
): void {
  const stopMarket = exit.stopLimit === undefined;
  const failures = tradingFailures(rules, exitOrderTypes(exit.side, stopMarket), true);
  const prices: [string, DecimalString][] = [
    ['take profit', exit.takeProfit],
    ['stop loss', exit.stopLoss],
    ...(exit.stopLimit === undefined ? [] : ([['stop limit', exit.stopLimit]] as [string, DecimalString][])),
  ];
  for (const [name, price] of prices) {
    if (rules.minPrice && dec(price).lt(rules.minPrice))
      failures.push({
        filter: 'PRICE_FILTER',
        message: `${name} ${price} is below the minimum price ${rules.minPrice}`,
      });
    if (rules.maxPrice && dec(price).gt(rules.maxPrice))
      failures.push({
        filter: 'PRICE_FILTER',
        message: `${name} ${price} is above the maximum price ${rules.maxPrice}`,
      });
    const { maxNotional } = rules.notional;
    if (maxNotional && dec(price).mul(exit.quantity).gt(maxNotional))
      failures.push({
        filter: 'NOTIONAL',
        message: `the ${name} leg's value is above the maximum notional ${maxNotional}`,
      });
  }
  const band = rules.percentPriceBySide;
  if (band && averagePrice !== undefined) {
    const [up, down] =
      exit.side === 'buy'
        ? [band.bidMultiplierUp, band.bidMultiplierDown]
        : [band.askMultiplierUp, band.askMultiplierDown];
    const high: Decimal = dec(averagePrice).mul(up);
    const low: Decimal = dec(averagePrice).mul(down);
    const limits = prices.filter(([name]) => name !== 'stop loss');
    for (const [name, price] of limits) {
      if (dec(price).gt(high) || dec(price).lt(low))
        failures.push({
          filter: 'PERCENT_PRICE_BY_SIDE',
          message: `${name} ${price} is outside ${toDecimalString(low)}..${toDecimalString(high)} (the average price ${averagePrice} × ${down}..${up})`,
        });
    }
  }
  fail(rules.market.symbol, failures);
}
