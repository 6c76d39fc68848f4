import { type Clock, type ClockTimer, sleepOn, systemClock } from '@trd/core';

/** A clock running `speed`× its base that never goes back and can be moved forward. */
export interface SpeedClock extends Clock {
  /** Moves the clock forward to `time` when it is behind it (never back); it runs on from there. */
  advanceTo(time: number): void;
}

/**
 * A clock that runs `speed` times faster than `base` from `origin` on: the simulated market, the
 * engine's cycle and its timeouts all live on it, so a replay of real candles plays at `speed`×.
 * It never goes back, even when the base clock does (an NTP step of the system clock).
 */
export function createSpeedClock(options: { speed: number; origin?: number; base?: Clock }): SpeedClock {
  const base = options.base ?? systemClock;
  const speed = options.speed;
  const baseStart = base.now();
  let origin = options.origin ?? baseStart;
  let last = Number.NEGATIVE_INFINITY;
  const now = () => {
    last = Math.max(last, Math.floor(origin + (base.now() - baseStart) * speed));
    return last;
  };
  const clock: SpeedClock = {
    now,
    setTimeout(callback: () => void, delayMs: number): ClockTimer {
      return base.setTimeout(callback, Math.max(0, delayMs) / speed);
    },
    sleep(delayMs: number, signal?: AbortSignal) {
      return sleepOn(clock, delayMs, signal);
    },
    advanceTo(time: number) {
      const behind = time - now();
      if (behind > 0) {
        origin += behind;
        last = Math.max(last, time);
      }
    },
  };
  return clock;
}
