import type { DecimalString } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import type { TradeSide } from '../domain/signal';
import { exitLevelsFromEntry } from '../exchange/exit-levels';
import { roundOrderPrice } from '../exchange/order-rules';

/**
 * Take-profit and stop-loss prices from the ACTUAL average entry fill, rounded to the tick:
 * a long exits at +takeProfit% / −stopLoss%, a short mirrors it.
 */
export function exitPrices(input: {
  rules: MarketRules;
  entrySide: TradeSide;
  averageEntryPrice: DecimalString;
  takeProfitPercent: number;
  stopLossPercent: number;
}): { takeProfit: DecimalString; stopLoss: DecimalString } {
  const { takeProfit, stopLoss } = exitLevelsFromEntry({
    entrySide: input.entrySide,
    entryPrice: input.averageEntryPrice,
    takeProfitPercent: input.takeProfitPercent,
    stopLossPercent: input.stopLossPercent,
  });
  return {
    takeProfit: roundOrderPrice(input.rules, takeProfit.toFixed()),
    stopLoss: roundOrderPrice(input.rules, stopLoss.toFixed()),
  };
}

export function oppositeSide(side: TradeSide): TradeSide {
  return side === 'buy' ? 'sell' : 'buy';
}
