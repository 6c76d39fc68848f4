import { type DecimalInput, type DecimalString, dec } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import type { Signal, TradeSide } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import { exitLevelsFromEntry, priceAtPercent } from './exit-levels';
import { roundOrderPrice } from './order-rules';

/**
 * Where a trade's exit levels come from (the engine setting `exitLevelSource`):
 * - `config`: the user's `takeProfitPercent` / `stopLossPercent` from the entry fill (the
 *   reference bot's behaviour, the default);
 * - `signal`: the analyzer's levels, as distances from its entry price, each bounded by the
 *   config's percentage (never wider); a missing or wrong-side level falls back to the config.
 * Sizing and the exit use the same distances, so the risk taken is the risk placed.
 */
export type ExitLevelSource = 'config' | 'signal';

export interface ExitDistances {
  takeProfitPercent: number;
  stopLossPercent: number;
}

export function exitDistances(
  source: ExitLevelSource,
  config: Pick<TradingConfig, 'takeProfitPercent' | 'stopLossPercent'>,
  signal: Pick<Signal, 'action' | 'entryPrice' | 'takeProfit' | 'stopLoss'>,
): ExitDistances {
  const fromConfig = { takeProfitPercent: config.takeProfitPercent, stopLossPercent: config.stopLossPercent };
  if (source === 'config' || signal.entryPrice === undefined || signal.entryPrice <= 0) return fromConfig;
  const entry = signal.entryPrice;
  const direction = signal.action === 'sell' ? -1 : 1;
  const distance = (level: number | undefined, sign: 1 | -1, bound: number): number => {
    if (level === undefined) return bound;
    const percent = ((level - entry) / entry) * 100 * direction * sign;
    return percent > 0 && Number.isFinite(percent) ? Math.min(percent, bound) : bound;
  };
  return {
    takeProfitPercent: distance(signal.takeProfit, 1, config.takeProfitPercent),
    stopLossPercent: distance(signal.stopLoss, -1, config.stopLossPercent),
  };
}

/** The exit pair's prices, on the tick: take profit, stop trigger and the stop leg's limit. */
export interface ExitOrderPrices {
  takeProfit: DecimalString;
  stopLoss: DecimalString;
  stopLimit: DecimalString;
}

/**
 * The exit pair for an entry at `entryPrice` (the actual fill, or the expected one when sizing).
 * The stop leg's limit lies `stopLimitOffsetPercent` past the trigger, rounded away from it, so
 * the risk manager's worst-case check and the order sent agree.
 */
export function exitOrderPrices(input: {
  rules: MarketRules;
  entrySide: TradeSide;
  entryPrice: DecimalInput;
  distances: ExitDistances;
  stopLimitOffsetPercent: DecimalInput;
}): ExitOrderPrices {
  const { rules, entrySide } = input;
  const { takeProfit, stopLoss } = exitLevelsFromEntry({
    entrySide,
    entryPrice: input.entryPrice,
    takeProfitPercent: input.distances.takeProfitPercent,
    stopLossPercent: input.distances.stopLossPercent,
  });
  const stopOnTick = roundOrderPrice(rules, stopLoss.toFixed());
  return {
    takeProfit: roundOrderPrice(rules, takeProfit.toFixed()),
    stopLoss: stopOnTick,
    stopLimit: stopLimitPrice(rules, entrySide, stopOnTick, input.stopLimitOffsetPercent),
  };
}

/** The stop leg's limit: past the trigger by the offset (below for a long's exit, above for a short's), on the tick. */
export function stopLimitPrice(
  rules: MarketRules,
  entrySide: TradeSide,
  stopLoss: DecimalInput,
  stopLimitOffsetPercent: DecimalInput,
): DecimalString {
  const offset = dec(stopLimitOffsetPercent).mul(entrySide === 'buy' ? -1 : 1);
  return roundOrderPrice(
    rules,
    priceAtPercent(stopLoss, offset).toFixed(),
    entrySide === 'buy' ? 'down' : 'up',
  );
}

/** The price a market order is expected to fill at: the market moved against it by the slippage. */
export function expectedFillPrice(side: TradeSide, price: DecimalInput, slippagePercent: DecimalInput) {
  return priceAtPercent(price, dec(slippagePercent).mul(side === 'buy' ? 1 : -1));
}
