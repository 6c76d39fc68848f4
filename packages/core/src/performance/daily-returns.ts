import { Decimal } from '../decimal';
import type { EquityPoint } from './equity-curve';

const DAY_MS = 86_400_000;

/**
 * Daily returns of an equity curve: for each UTC day from the day of `start` to the day of `end`
 * (Unix ms), the equity at the day's end (the last point before the next midnight, carried
 * forward over days without one) over the previous day's end, minus 1. The first day is measured
 * against the curve's first point. Fractions: 0.01 is +1%.
 */
export function dailyReturns(curve: readonly EquityPoint[], start: number, end: number): number[] {
  if (curve.length === 0 || end < start) return [];
  const returns: number[] = [];
  let previous = new Decimal(curve[0]!.equity);
  let index = 0;
  let equity = previous;
  for (let dayEnd = Math.floor(start / DAY_MS) * DAY_MS + DAY_MS; dayEnd - DAY_MS <= end; dayEnd += DAY_MS) {
    while (index < curve.length && curve[index]!.time < dayEnd) equity = new Decimal(curve[index++]!.equity);
    returns.push(previous.isZero() ? 0 : equity.div(previous).minus(1).toNumber());
    previous = equity;
  }
  return returns;
}
