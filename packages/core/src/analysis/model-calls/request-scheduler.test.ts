import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock';
import { RequestScheduler } from './request-scheduler';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('RequestScheduler', () => {
  it('runs at most `concurrency` tasks at once, in arrival order', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new RequestScheduler({ clock, concurrency: 2, requestsPerMinute: 1000 });
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      scheduler.run(async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await clock.advance(0);
    expect(started).toEqual([0, 1]);
    expect(scheduler.running).toBe(2);
    expect(scheduler.queued).toBe(3);

    gates[1]!.resolve();
    await clock.advance(0);
    expect(started).toEqual([0, 1, 2]);

    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(scheduler.running).toBe(0);
  });

  it('starts at most `requestsPerMinute` tasks in any 60 s window', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new RequestScheduler({ clock, concurrency: 10, requestsPerMinute: 3 });
    const startTimes: number[] = [];
    const runs = Array.from({ length: 7 }, () => scheduler.run(async () => startTimes.push(clock.now())));
    await clock.advance(0);
    expect(startTimes).toEqual([0, 0, 0]);
    await clock.advance(59_999);
    expect(startTimes).toHaveLength(3);
    await clock.advance(1);
    expect(startTimes).toEqual([0, 0, 0, 60_000, 60_000, 60_000]);
    await clock.advance(60_000);
    await Promise.all(runs);
    expect(startTimes).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
  });

  it('starts nothing while paused, then resumes everyone', async () => {
    const clock = new VirtualClock(1_000);
    const scheduler = new RequestScheduler({ clock, concurrency: 4, requestsPerMinute: 100 });
    scheduler.pauseUntil(6_000);
    scheduler.pauseUntil(3_000); // an earlier pause never shortens a later one
    const startTimes: number[] = [];
    const runs = [
      scheduler.run(async () => startTimes.push(clock.now())),
      scheduler.run(async () => startTimes.push(clock.now())),
    ];
    await clock.advance(4_999);
    expect(startTimes).toEqual([]);
    await clock.advance(1);
    await Promise.all(runs);
    expect(startTimes).toEqual([6_000, 6_000]);
  });

  it('drops a waiting task whose signal aborts, without running it, and keeps serving the others', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new RequestScheduler({ clock, concurrency: 1, requestsPerMinute: 100 });
    const gate = deferred();
    const ran: string[] = [];
    const first = scheduler.run(async () => {
      ran.push('first');
      await gate.promise;
    });
    const controller = new AbortController();
    const second = scheduler.run(async () => ran.push('second'), controller.signal);
    const third = scheduler.run(async () => ran.push('third'));
    await clock.advance(0);
    controller.abort(new Error('user gone'));
    await expect(second).rejects.toThrow('user gone');
    expect(scheduler.queued).toBe(1);
    gate.resolve();
    await Promise.all([first, third]);
    expect(ran).toEqual(['first', 'third']);
  });

  it('refuses at once a task whose signal is already aborted', async () => {
    const scheduler = new RequestScheduler({
      clock: new VirtualClock(0),
      concurrency: 1,
      requestsPerMinute: 1,
    });
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    let ran = false;
    await expect(scheduler.run(async () => (ran = true), controller.signal)).rejects.toThrow('cancelled');
    expect(ran).toBe(false);
  });

  it('frees the slot when a task fails', async () => {
    const scheduler = new RequestScheduler({
      clock: new VirtualClock(0),
      concurrency: 1,
      requestsPerMinute: 100,
    });
    await expect(scheduler.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(scheduler.run(async () => 'next')).resolves.toBe('next');
  });

  it('spreads 1,000 users over time: never above either cap, everyone served, in order', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new RequestScheduler({ clock, concurrency: 4, requestsPerMinute: 100 });
    const startTimes: number[] = [];
    let running = 0;
    let mostRunning = 0;
    const runs = Array.from({ length: 1_000 }, (_, index) =>
      scheduler.run(async () => {
        startTimes.push(clock.now());
        running++;
        mostRunning = Math.max(mostRunning, running);
        await clock.sleep(2_000); // each call takes 2 s of model time
        running--;
        return index;
      }),
    );
    await clock.advance(11 * 60_000);
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 1_000 }, (_, index) => index));
    expect(mostRunning).toBe(4);
    for (let index = 100; index < startTimes.length; index++) {
      expect(startTimes[index]! - startTimes[index - 100]!).toBeGreaterThanOrEqual(60_000);
    }
    // 100 a minute: the last of 1,000 starts in the tenth minute.
    expect(startTimes.at(-1)).toBeGreaterThanOrEqual(9 * 60_000);
    expect(startTimes.at(-1)).toBeLessThan(10 * 60_000);
  });

  it('refuses queued and new tasks at once while suspended, lets running ones finish, then serves again', async () => {
    const clock = new VirtualClock(1_000);
    const scheduler = new RequestScheduler({ clock, concurrency: 1, requestsPerMinute: 100 });
    const gate = deferred();
    const ran: string[] = [];
    const running = scheduler.run(async () => {
      ran.push('running');
      await gate.promise;
      return 'finished';
    });
    const queued = scheduler.run(async () => ran.push('queued'));
    await clock.advance(0);
    const refuse = (until: number) => new Error(`suspended until ${until}`);
    scheduler.suspendUntil(11_000, refuse);
    await expect(queued).rejects.toThrow('suspended until 11000');
    await expect(scheduler.run(async () => ran.push('new'))).rejects.toThrow('suspended until 11000');
    expect(scheduler.queued).toBe(0);
    expect(scheduler.suspendedUntil).toBe(11_000);
    // A shorter suspension never shortens the longer one.
    scheduler.suspendUntil(5_000, () => new Error('shorter'));
    expect(scheduler.suspendedUntil).toBe(11_000);
    gate.resolve();
    await expect(running).resolves.toBe('finished');
    await clock.advance(9_999);
    await expect(scheduler.run(async () => 'early')).rejects.toThrow('suspended until 11000');
    await clock.advance(1);
    expect(scheduler.suspendedUntil).toBeUndefined();
    await expect(scheduler.run(async () => 'after')).resolves.toBe('after');
    expect(ran).toEqual(['running']);
  });

  it('ignores a suspension that has already ended', async () => {
    const clock = new VirtualClock(5_000);
    const scheduler = new RequestScheduler({ clock, concurrency: 1, requestsPerMinute: 100 });
    scheduler.suspendUntil(5_000, () => new Error('over'));
    expect(scheduler.suspendedUntil).toBeUndefined();
    await expect(scheduler.run(async () => 'runs')).resolves.toBe('runs');
  });
});
