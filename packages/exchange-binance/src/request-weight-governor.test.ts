import { VirtualClock } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { RequestWeightGovernor } from './request-weight-governor';

const MINUTE = 60_000;

describe('RequestWeightGovernor', () => {
  it('lets requests through under the threshold and counts their weight', async () => {
    const clock = new VirtualClock(10 * MINUTE + 5_000);
    const governor = new RequestWeightGovernor(clock, { limitPerMinute: 100, slowDownAtRatio: 0.5 });
    await governor.acquire(20);
    await governor.acquire(20);
    expect(governor.snapshot()).toEqual({ usedWeight: 40, windowStart: 10 * MINUTE, blockedUntil: 0 });
  });

  it('past the threshold, waits for the next minute on the clock', async () => {
    const clock = new VirtualClock(10 * MINUTE + 5_000);
    const governor = new RequestWeightGovernor(clock, { limitPerMinute: 100, slowDownAtRatio: 0.5 });
    governor.observeUsedWeight(45);
    let sent = false;
    const waiting = governor.acquire(10).then(() => {
      sent = true;
    });
    await clock.advance(54_999);
    expect(sent).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(sent).toBe(true);
    expect(governor.snapshot()).toMatchObject({ usedWeight: 10, windowStart: 11 * MINUTE });
  });

  it('keeps the highest figure Binance reported in the minute (answers arrive out of order)', () => {
    const clock = new VirtualClock(0);
    const governor = new RequestWeightGovernor(clock);
    governor.observeUsedWeight(300);
    governor.observeUsedWeight(120);
    expect(governor.snapshot().usedWeight).toBe(300);
  });

  it('after Retry-After, nothing goes until it has passed', async () => {
    const clock = new VirtualClock(0);
    const governor = new RequestWeightGovernor(clock);
    governor.blockFor(7_000);
    expect(governor.snapshot().blockedUntil).toBe(7_000);
    let sent = false;
    const waiting = governor.acquire(1).then(() => {
      sent = true;
    });
    await clock.advance(6_999);
    expect(sent).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(sent).toBe(true);
    expect(governor.snapshot().blockedUntil).toBe(0);
  });
});
