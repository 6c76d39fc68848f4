import { ConfigError } from '@trd/core';
import type { BacktestPeriod } from '../backtest-period';

const MINUTE = 60_000;

/** The in-sample part a sweep is fitted on, and the later, held-out part its winner is tested on. */
export interface WalkForwardSplit {
  inSample: { from: number; to: number };
  holdout: { from: number; to: number };
}

/**
 * Splits a period by time: the first `1 − holdout` of its minutes are in-sample, the rest held out.
 * The held-out part starts the minute after the in-sample part ends, so no bar is in both (earlier
 * candles remain history the engine may look at, as they would live).
 * @throws ConfigError when `holdout` is not strictly between 0 and 1 or a part would be empty.
 */
export function splitWalkForward(
  period: Pick<BacktestPeriod, 'from' | 'to'>,
  holdout: number,
): WalkForwardSplit {
  if (!(holdout > 0 && holdout < 1))
    throw new ConfigError(`the held-out share must be between 0 and 1, got ${holdout}`);
  const minutes = (period.to - period.from) / MINUTE + 1;
  const inSampleMinutes = Math.round(minutes * (1 - holdout));
  if (inSampleMinutes < 1 || inSampleMinutes >= minutes) {
    throw new ConfigError(`a ${minutes}-minute period is too short to hold out ${holdout * 100}% of it`);
  }
  const inSampleEnd = period.from + (inSampleMinutes - 1) * MINUTE;
  return {
    inSample: { from: period.from, to: inSampleEnd },
    holdout: { from: inSampleEnd + MINUTE, to: period.to },
  };
}

/** `30%` or `0.3` as a share from 0 to 1. @throws ConfigError for anything else. */
export function parseHoldout(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match) throw new ConfigError(`"${text}" is not a share such as 30% or 0.3`);
  return match[2] === '%' ? Number(match[1]) / 100 : Number(match[1]);
}
