import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock';
import { EngineTimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('aborts the work and rejects at the deadline on the injected clock', async () => {
    const clock = new VirtualClock(0);
    let seen: AbortSignal | undefined;
    const result = withTimeout(clock, 1_000, 'analysis', (signal) => {
      seen = signal;
      return new Promise<never>(() => {}); // ignores the signal on purpose
    });
    const outcome = result.catch((error: unknown) => error);
    await clock.advance(999);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    expect(await outcome).toBeInstanceOf(EngineTimeoutError);
    expect(seen?.aborted).toBe(true);
  });

  it('returns the result and cancels its timer', async () => {
    const clock = new VirtualClock(0);
    expect(await withTimeout(clock, 1_000, 'x', async () => 42)).toBe(42);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sets no timer at all with an infinite budget, and the work still gets a signal', async () => {
    const clock = new VirtualClock(0);
    let seen: AbortSignal | undefined;
    const result = await withTimeout(clock, Number.POSITIVE_INFINITY, 'x', async (signal) => {
      seen = signal;
      expect(clock.pendingTimers).toBe(0);
      return 7;
    });
    expect(result).toBe(7);
    expect(seen?.aborted).toBe(false);
  });
});
