import type { MarketRules } from '@trd/core';

/** A symbol the simulated venue trades: its rules and where its price starts. */
export interface SimulatedMarket {
  rules: MarketRules;
  startPrice: number;
}

/**
 * Symbols with different steps and minimums, like Binance's: a fine step on a dear coin, a
 * coarse whole-unit step on a cheap one, and a minimum notional of 5 or 10.
 */
export const SIMULATED_MARKETS: readonly SimulatedMarket[] = [
  market('BTCUSDT', 'BTC', { tickSize: '0.01', stepSize: '0.00001', minNotional: '5' }, 63_000),
  market('ETHUSDT', 'ETH', { tickSize: '0.01', stepSize: '0.0001', minNotional: '5' }, 2_600),
  market('SOLUSDT', 'SOL', { tickSize: '0.01', stepSize: '0.001', minNotional: '10' }, 150),
  market('DOGEUSDT', 'DOGE', { tickSize: '0.00001', stepSize: '1', minNotional: '10' }, 0.12),
];

function market(
  symbol: string,
  baseAsset: string,
  rules: { tickSize: string; stepSize: string; minNotional: string },
  startPrice: number,
): SimulatedMarket {
  return {
    rules: { symbol, baseAsset, quoteAsset: 'USDT', minQuantity: rules.stepSize, ...rules },
    startPrice,
  };
}
