import { VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createSpeedClock } from './speed-clock';

describe('speed clock', () => {
  it('runs N times faster than its base clock, timers included', async () => {
    const base = new VirtualClock(1_000);
    const clock = createSpeedClock({ speed: 20, origin: 5_000_000, base });
    expect(clock.now()).toBe(5_000_000);
    await base.advance(1_000);
    expect(clock.now()).toBe(5_020_000);

    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 60_000); // one simulated minute = 3 s of base time
    await base.advance(2_999);
    expect(fired).toEqual([]);
    await base.advance(1);
    expect(fired).toEqual([5_080_000]);

    const slept = clock.sleep(30_000).then(() => clock.now());
    await base.advance(1_500);
    expect(await slept).toBe(5_110_000);
  });

  it('moves forward to a time it is behind, never back, and never goes back with its base', async () => {
    const base = new VirtualClock(1_000);
    const clock = createSpeedClock({ speed: 10, origin: 5_000_000, base });
    clock.advanceTo(6_000_000);
    expect(clock.now()).toBe(6_000_000);
    clock.advanceTo(5_500_000);
    expect(clock.now()).toBe(6_000_000);
    await base.advance(100);
    expect(clock.now()).toBe(6_001_000);
    base.set(500); // the system clock stepped back
    expect(clock.now()).toBe(6_001_000);
  });
});
