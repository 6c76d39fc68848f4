import { ConfigError, type MarketRules, marketRulesSchema } from '@trd/core';

const quoteAssets = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'BTC', 'ETH', 'BNB'];

/** Splits `BTCUSDT` into `BTC` / `USDT` by the known quote assets. */
export function splitSymbol(symbol: string): { baseAsset: string; quoteAsset: string } {
  for (const quoteAsset of quoteAssets) {
    if (symbol.endsWith(quoteAsset) && symbol.length > quoteAsset.length) {
      return { baseAsset: symbol.slice(0, -quoteAsset.length), quoteAsset };
    }
  }
  throw new ConfigError(`cannot tell the base and quote assets of "${symbol}": give them in options.markets`);
}

/** Binance-like rules: BTC pairs as BTCUSDT (step 0.00001), anything else as ETHUSDT (step 0.0001). */
export function defaultMarketRules(
  symbol: string,
  overrides: Partial<Omit<MarketRules, 'symbol'>> = {},
): MarketRules {
  const assets =
    overrides.baseAsset && overrides.quoteAsset
      ? { baseAsset: overrides.baseAsset, quoteAsset: overrides.quoteAsset }
      : splitSymbol(symbol);
  const btcLike = assets.baseAsset === 'BTC';
  const rules = {
    symbol,
    ...assets,
    tickSize: '0.01',
    stepSize: btcLike ? '0.00001' : '0.0001',
    minQuantity: btcLike ? '0.00001' : '0.0001',
    minNotional: '5',
    ...overrides,
  };
  const parsed = marketRulesSchema.safeParse(rules);
  if (!parsed.success) throw new ConfigError(`invalid market rules for ${symbol}: ${parsed.error.message}`);
  for (const field of ['tickSize', 'stepSize'] as const) {
    if (!(Number(parsed.data[field]) > 0)) throw new ConfigError(`${symbol}: ${field} must be positive`);
  }
  return parsed.data;
}
