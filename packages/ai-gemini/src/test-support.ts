import type { VirtualClock } from '@trd/core';
import { type FakeGeminiServer, startFakeGeminiServer } from './testing/fake-gemini-server';

export const TEST_API_KEY = 'AIzaSyTEST-fake-key-for-the-local-fake-only';

/** A fake Gemini API whose request times are read from `now` (pass the analyzer's clock). */
export function startFake(now?: () => number): Promise<FakeGeminiServer> {
  return startFakeGeminiServer({ apiKey: TEST_API_KEY, ...(now ? { now } : {}) });
}

/**
 * Awaits `promise` while moving `clock` forward in steps, pausing a real millisecond between steps
 * so loopback HTTP can progress. For code that mixes real I/O with waits on a VirtualClock. Time
 * moves only while `idle()` holds (e.g. no call in flight), so a slow machine cannot make virtual
 * time run during real I/O.
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
