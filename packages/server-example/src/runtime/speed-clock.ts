import { type Clock, type ClockTimer, sleepOn, systemClock } from '@trd/core';

/**
 * A clock that runs `speed` times faster than `base` from `origin` on: the simulated market, the
 * engine's cycle and its timeouts all live on it, so a replay of real candles plays at `speed`×.
 */
export function createSpeedClock(options: { speed: number; origin?: number; base?: Clock }): Clock {
  const base = options.base ?? systemClock;
  const speed = options.speed;
  const baseStart = base.now();
  const origin = options.origin ?? baseStart;
  const clock: Clock = {
    now: () => Math.floor(origin + (base.now() - baseStart) * speed),
    setTimeout(callback: () => void, delayMs: number): ClockTimer {
      return base.setTimeout(callback, Math.max(0, delayMs) / speed);
    },
    sleep(delayMs: number, signal?: AbortSignal) {
      return sleepOn(clock, delayMs, signal);
    },
  };
  return clock;
}
