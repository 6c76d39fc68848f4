import type { VirtualClock } from '../clock/virtual-clock';

/**
 * Awaits `promise` while moving `clock` forward in steps of `stepMs`, pausing a real millisecond
 * between steps so loopback HTTP can progress. For tests of code that mixes real I/O (a local fake
 * server) with waits on a `VirtualClock` (backoff, a 429's retry-after). Time moves only while
 * `idle()` holds (e.g. no call in flight), so a slow machine cannot make virtual time run during
 * real I/O. A wait of W virtual ms is therefore seen as between W and W + `stepMs`.
 */
export async function settleOnVirtualTime<T>(
  clock: VirtualClock,
  promise: Promise<T>,
  stepMs = 250,
  idle: () => boolean = () => true,
): Promise<T> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let step = 0; !done && step < 20_000; step++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (!done && idle()) await clock.advance(stepMs);
  }
  return promise;
}

/** Resolves once `condition` holds, checking every few real milliseconds (fails after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
