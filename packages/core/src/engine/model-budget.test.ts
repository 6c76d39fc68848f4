import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock';
import { ModelBudget } from './model-budget';

const NOON = Date.UTC(2025, 5, 2, 12, 0);
const MINUTE = 60_000;

describe('ModelBudget: the analyzer’s resumesAt (a spent quota)', () => {
  it('refuses every call until resumesAt, with the reason and the time, then lets calls through', async () => {
    const clock = new VirtualClock(NOON);
    const budget = new ModelBudget(clock);
    expect(budget.reserve()).toBeNull();
    budget.settle({ ok: false, resumesAt: NOON + 10 * MINUTE, reason: 'daily quota spent' });
    const refusal = budget.reserve('user-1');
    expect(refusal).toEqual({
      reason: 'the model is paused until 2025-06-02T12:10:00.000Z: daily quota spent',
      until: NOON + 10 * MINUTE,
    });
    await clock.advanceTo(NOON + 10 * MINUTE - 1);
    expect(budget.reserve()).not.toBeNull();
    await clock.advanceTo(NOON + 10 * MINUTE);
    expect(budget.reserve()).toBeNull();
  });

  it('does not count a quota pause as a breaker failure', async () => {
    const clock = new VirtualClock(NOON);
    const budget = new ModelBudget(clock, {}, { failures: 2, cooldownMs: 30 * MINUTE });
    budget.reserve();
    budget.settle({ ok: false });
    // One real failure so far; three quota pauses must not open the breaker.
    for (let i = 1; i <= 3; i++) {
      await clock.advanceTo(NOON + (i - 1) * 2 * MINUTE);
      budget.settle({ ok: false, resumesAt: clock.now() + MINUTE });
    }
    await clock.advance(MINUTE);
    expect(budget.reserve()).toBeNull();
    // The second real failure in a row does.
    budget.settle({ ok: false });
    expect(budget.reserve()?.reason).toContain('circuit is open after 2 failed calls');
  });

  it('keeps the later of two pauses and ignores a resumesAt already past', async () => {
    const clock = new VirtualClock(NOON);
    const budget = new ModelBudget(clock);
    budget.settle({ ok: false, resumesAt: NOON + 20 * MINUTE });
    budget.settle({ ok: false, resumesAt: NOON + 5 * MINUTE });
    await clock.advanceTo(NOON + 19 * MINUTE);
    expect(budget.reserve()?.until).toBe(NOON + 20 * MINUTE);
    await clock.advanceTo(NOON + 21 * MINUTE);
    budget.settle({ ok: false, resumesAt: NOON });
    expect(budget.reserve()).toBeNull();
  });
});
