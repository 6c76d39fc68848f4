import { type Decimal, type DecimalInput, dec } from '../decimal';
import type { TradeSide } from '../domain/signal';

/**
 * `price` moved by a signed `percent`: price × (100 + percent) / 100, exact (not rounded to the
 * tick; round with `roundOrderPrice` before sending).
 */
export function priceAtPercent(price: DecimalInput, percent: DecimalInput): Decimal {
  return dec(price).mul(dec(100).plus(percent)).div(100);
}

/**
 * Take-profit and stop-loss levels a percentage away from the entry, exact (not rounded to the
 * tick): a long (buy entry) takes profit at +takeProfit% and stops at −stopLoss%; a short mirrors
 * it. The one home of this computation: the engine's exits, the technical analyzer's signal and
 * the analysis prompt all use it, so they agree.
 */
export function exitLevelsFromEntry(input: {
  entrySide: TradeSide;
  entryPrice: DecimalInput;
  takeProfitPercent: DecimalInput;
  stopLossPercent: DecimalInput;
}): { takeProfit: Decimal; stopLoss: Decimal } {
  const direction = input.entrySide === 'buy' ? 1 : -1;
  return {
    takeProfit: priceAtPercent(input.entryPrice, dec(input.takeProfitPercent).mul(direction)),
    stopLoss: priceAtPercent(input.entryPrice, dec(input.stopLossPercent).mul(-direction)),
  };
}
