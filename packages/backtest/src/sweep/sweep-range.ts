import { ConfigError, Decimal } from '@trd/core';

/** The trading settings a sweep may vary (numbers of core's `TradingConfig`). */
export const SWEEP_PARAMETERS = [
  'takeProfitPercent',
  'stopLossPercent',
  'riskPercent',
  'maxPositionPercent',
  'minConfidence',
  'maxDailyTrades',
] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

/** One swept setting and the values it takes, ascending. */
export interface SweepRange {
  parameter: SweepParameter;
  values: number[];
}

/** Most values one range may hold (a typo like `0.2:100:0.0001` is an error, not a day of work). */
const MAX_VALUES = 1_000;

/**
 * Reads `name=start:end:step` (`takeProfitPercent=0.2:1.0:0.1`) or `name=a,b,c`. The values are
 * computed in decimal, so `0.2:1.0:0.1` is exactly 0.2, 0.3, …, 1.0 (nine values), end included.
 * @throws ConfigError naming what is wrong.
 */
export function parseSweepRange(text: string): SweepRange {
  const match = /^([A-Za-z]+)=(.+)$/.exec(text.trim());
  if (!match) throw new ConfigError(`"${text}" is not name=start:end:step or name=a,b,c`);
  const parameter = match[1] as SweepParameter;
  if (!SWEEP_PARAMETERS.includes(parameter)) {
    throw new ConfigError(`cannot sweep "${match[1]}"; one of ${SWEEP_PARAMETERS.join(', ')}`);
  }
  const spec = match[2]!;
  const number = (value: string): Decimal => {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new ConfigError(`${parameter}: "${value}" is not a number`);
    return new Decimal(value);
  };
  let values: Decimal[];
  if (spec.includes(':')) {
    const parts = spec.split(':');
    if (parts.length !== 3) throw new ConfigError(`${parameter}: a range is start:end:step, got "${spec}"`);
    const [start, end, step] = parts.map(number) as [Decimal, Decimal, Decimal];
    if (step.lte(0)) throw new ConfigError(`${parameter}: the step must be above 0`);
    if (end.lt(start)) throw new ConfigError(`${parameter}: the end ${end} is below the start ${start}`);
    const count = end.minus(start).div(step).floor().toNumber() + 1;
    if (count > MAX_VALUES) throw new ConfigError(`${parameter}: ${count} values, at most ${MAX_VALUES}`);
    values = Array.from({ length: count }, (_, i) => start.plus(step.mul(i)));
  } else {
    values = spec.split(',').map(number);
  }
  const unique = [...new Set(values.map((value) => value.toNumber()))].sort((a, b) => a - b);
  return { parameter, values: unique };
}

/** Every combination of the ranges' values, the first range varying slowest. Empty ranges: one empty combination. */
export function sweepGrid(ranges: readonly SweepRange[]): Record<string, number>[] {
  const names = new Set<string>();
  for (const range of ranges) {
    if (names.has(range.parameter)) throw new ConfigError(`${range.parameter} is swept twice`);
    names.add(range.parameter);
  }
  let grid: Record<string, number>[] = [{}];
  for (const range of ranges) {
    grid = grid.flatMap((point) => range.values.map((value) => ({ ...point, [range.parameter]: value })));
  }
  return grid;
}
