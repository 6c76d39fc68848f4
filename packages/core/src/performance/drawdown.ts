import { Decimal, type DecimalString, toDecimalString } from '../decimal';
import type { EquityPoint } from './equity-curve';

export interface Drawdown {
  /** Largest fall from a previous peak, quote units (≥ 0). */
  maxDrawdown: DecimalString;
  /** Largest fall from a previous peak as a percent of that peak (≥ 0), 4 decimals. */
  maxDrawdownPercent: DecimalString;
  /**
   * Longest time spent below a previous peak, ms: from the peak to the first point back at or
   * above it, or to `end` when the equity never got back.
   */
  maxDrawdownDurationMs: number;
  /** Fall from the running peak at every point, quote units (≥ 0): the underwater curve. */
  series: { time: number; drawdown: DecimalString }[];
}

/**
 * Pure: drawdown statistics of an equity curve in time order. The percent is measured against
 * each point's own peak (the largest percent fall need not be the largest amount). `end` (Unix
 * ms, default the last point's time) closes a drawdown that has not recovered.
 */
export function computeDrawdown(curve: readonly EquityPoint[], end?: number): Drawdown {
  let peak: Decimal | null = null;
  let peakTime = 0;
  let underwater = false;
  let maxAmount = new Decimal(0);
  let maxPercent = new Decimal(0);
  let maxDuration = 0;
  const series: Drawdown['series'] = [];

  for (const point of curve) {
    const equity = new Decimal(point.equity);
    if (peak === null || equity.gte(peak)) {
      if (underwater) maxDuration = Math.max(maxDuration, point.time - peakTime);
      underwater = false;
      // A drawdown starts at the last time the equity stood at its peak.
      peak = equity;
      peakTime = point.time;
      series.push({ time: point.time, drawdown: '0' });
      continue;
    }
    underwater = true;
    const fall = peak.minus(equity);
    if (fall.gt(maxAmount)) maxAmount = fall;
    if (peak.gt(0)) {
      const percent = fall.div(peak).mul(100);
      if (percent.gt(maxPercent)) maxPercent = percent;
    }
    series.push({ time: point.time, drawdown: toDecimalString(fall) });
  }
  if (underwater) {
    const last = end ?? curve.at(-1)!.time;
    maxDuration = Math.max(maxDuration, last - peakTime);
  }
  return {
    maxDrawdown: toDecimalString(maxAmount),
    maxDrawdownPercent: toDecimalString(maxPercent.toDecimalPlaces(4)),
    maxDrawdownDurationMs: maxDuration,
    series,
  };
}
