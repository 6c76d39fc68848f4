import { type FakeGeminiServer, startFakeGeminiServer } from './testing/fake-gemini-server';

export const TEST_API_KEY = 'AIzaSyTEST-fake-key-for-the-local-fake-only';

/** A fake Gemini API whose request times are read from `now` (pass the analyzer's clock). */
export function startFake(now?: () => number): Promise<FakeGeminiServer> {
  return startFakeGeminiServer({ apiKey: TEST_API_KEY, ...(now ? { now } : {}) });
}

// The virtual-time helpers are core's, shared with every adapter's tests.
export { settleOnVirtualTime, waitUntil } from '@trd/core/testing';
