import { type DecimalString, dec } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import type { TradeSide } from '../domain/signal';
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
  const entry = dec(input.averageEntryPrice);
  const up = (percent: number) => entry.mul(dec(100).plus(percent)).div(100);
  const down = (percent: number) => entry.mul(dec(100).minus(percent)).div(100);
  const long = input.entrySide === 'buy';
  const takeProfit = long ? up(input.takeProfitPercent) : down(input.takeProfitPercent);
  const stopLoss = long ? down(input.stopLossPercent) : up(input.stopLossPercent);
  return {
    takeProfit: roundOrderPrice(input.rules, takeProfit.toFixed()),
    stopLoss: roundOrderPrice(input.rules, stopLoss.toFixed()),
  };
}

export function oppositeSide(side: TradeSide): TradeSide {
  return side === 'buy' ? 'sell' : 'buy';
}
