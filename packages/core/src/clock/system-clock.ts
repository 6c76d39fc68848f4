import { type Clock, type ClockTimer, sleepOn } from './clock';

/** The real clock: wall time and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
  sleep(delayMs: number, signal?: AbortSignal) {
    return sleepOn(systemClock, delayMs, signal);
  },
};
