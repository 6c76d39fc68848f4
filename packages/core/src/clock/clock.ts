/** A timer created by a `Clock`. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Time, injected. Nothing in TRD reads the system time or sets a timer except through a Clock,
 * so the same engine code runs live, on paper and in a backtest on a virtual clock.
 */
export interface Clock {
  /** Current time, Unix ms (UTC). */
  now(): number;
  /** Calls `callback` once after `delayMs` ms of this clock's time. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  /** Resolves after `delayMs` ms of this clock's time; rejects with the signal's reason if aborted. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

export function sleepOn(
  clock: Pick<Clock, 'setTimeout'>,
  delayMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
