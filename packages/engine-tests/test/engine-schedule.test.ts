import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAtMarket, createHarness } from './support/engine-harness';

describe('start and stop on the injected clock', () => {
  it('runs a cycle and a monitor pass every 60 s of clock time, and stops cleanly', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    await h.bot.start();
    expect(h.bot.isRunning).toBe(true);
    await h.clock.advanceTo(at(10, 5));
    // 10:00, 10:01 … 10:05: six cycles, each one minute after the previous one started.
    expect(h.events['cycle:start'].map((e) => e.at)).toEqual([0, 1, 2, 3, 4, 5].map((m) => at(10, m)));
    await h.bot.stop();
    expect(h.clock.pendingTimers).toBe(0);
    await h.clock.advanceTo(at(10, 30));
    expect(h.events['cycle:start']).toHaveLength(6);
  });

  it('stop() waits for the running cycle to finish', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.analyzer.script(async (input) => {
      await gate;
      return buyAtMarket(input);
    });
    await h.bot.start();
    await h.clock.advance(0);
    expect(h.events['cycle:start']).toHaveLength(1);
    let stopped = false;
    const stopping = h.bot.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(1_000);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(h.events['cycle:end']).toHaveLength(1);
    expect(h.events['trade:opened']).toHaveLength(1);
  });

  it('starts even when the first reconciliation fails, and reports it', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    const unfinished = h.store.unfinishedIntents.bind(h.store);
    let calls = 0;
    h.store.unfinishedIntents = async (userId?: string) => {
      calls++;
      if (calls === 1) throw new Error('store briefly unavailable');
      return unfinished(userId);
    };
    await h.bot.start();
    expect(h.events.error).toMatchObject([
      { stage: 'reconcile', error: { message: 'store briefly unavailable' } },
    ]);
    await h.clock.advance(0);
    expect(h.events['cycle:end']).toHaveLength(1);
    await h.bot.stop();
  });

  it('shares a cycle already running instead of starting a second one', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    const [a, b] = await Promise.all([h.bot.runCycle(), h.bot.runCycle()]);
    expect(a).toBe(b);
    expect(h.events['cycle:start']).toHaveLength(1);
  });
});
