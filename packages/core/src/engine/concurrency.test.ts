import { describe, expect, it } from 'vitest';
import { forEachWithConcurrency } from './concurrency';

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
