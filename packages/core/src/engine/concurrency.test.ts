import { describe, expect, it } from 'vitest';
import { createLimiter, forEachWithConcurrency } from './concurrency';

describe('forEachWithConcurrency', () => {
  it('never runs more than the limit at once and runs every item despite failures', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachWithConcurrency([...Array(20).keys()], 3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      if (item % 5 === 0) throw new Error(`item ${item} failed`);
      done.push(item);
    });
    expect(peak).toBe(3);
    expect(done).toHaveLength(16);
  });
});

describe('createLimiter', () => {
  it('runs at most the limit at once, in arrival order, and frees a slot when a task fails', async () => {
    const limiter = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.allSettled(
      [...Array(10).keys()].map((item) =>
        limiter.run(async () => {
          started.push(item);
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          if (item === 3) throw new Error('task 3 failed');
          return item * 10;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([...Array(10).keys()]);
    expect(results[3]).toMatchObject({ status: 'rejected' });
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(9);
    // A newcomer after the burst still gets a slot: none leaked to the failure.
    await expect(limiter.run(async () => 'late')).resolves.toBe('late');
  });
});
