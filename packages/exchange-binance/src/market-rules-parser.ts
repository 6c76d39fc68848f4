import { ConfigError, type MarketRules, marketRulesSchema, toDecimalString } from '@trd/core';

interface BinanceFilter {
  filterType: string;
  [key: string]: unknown;
}

interface BinanceSymbolInfo {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  filters: BinanceFilter[];
}

/** Reads a symbol's PRICE_FILTER, LOT_SIZE and NOTIONAL (or the legacy MIN_NOTIONAL) from exchangeInfo. */
export function parseMarketRules(info: unknown): MarketRules {
  const symbolInfo = info as BinanceSymbolInfo;
  const filters = Array.isArray(symbolInfo?.filters) ? symbolInfo.filters : [];
  const find = (type: string) => filters.find((filter) => filter.filterType === type);
  const priceFilter = find('PRICE_FILTER');
  const lotSize = find('LOT_SIZE');
  const notional = find('NOTIONAL') ?? find('MIN_NOTIONAL');
  if (!priceFilter || !lotSize) {
    throw new ConfigError(`binance: ${String(symbolInfo?.symbol)} has no PRICE_FILTER or LOT_SIZE filter`);
  }
  const maxQuantity = decimalOrUndefined(lotSize.maxQty);
  return marketRulesSchema.parse({
    symbol: symbolInfo.symbol,
    baseAsset: symbolInfo.baseAsset,
    quoteAsset: symbolInfo.quoteAsset,
    tickSize: toDecimalString(String(priceFilter.tickSize)),
    stepSize: toDecimalString(String(lotSize.stepSize)),
    minQuantity: toDecimalString(String(lotSize.minQty)),
    ...(maxQuantity && maxQuantity !== '0' ? { maxQuantity } : {}),
    minNotional: notional ? toDecimalString(String(notional.minNotional)) : '0',
  });
}

function decimalOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? toDecimalString(value) : undefined;
}
