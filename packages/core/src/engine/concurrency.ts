/**
 * Runs `task` over `items` with at most `limit` running at once. `task` is expected to handle its
 * own errors (one user's failure must not stop the others); a throw still does not stop the rest.
 */
export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (items.length === 0) return;
  if (items.length === 1) {
    // One item (one symbol, one user: every backtest step of a single user): no worker machinery.
    try {
      await task(items[0] as T, 0);
    } catch {
      // As below: the task reports its own failures.
    }
    return;
  }
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch {
        // The task reports its own failures; nothing here may stop the other items.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/** Runs tasks with at most `limit` running at once; the rest wait in arrival order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(limit: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next in line, so a newcomer never overtakes.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(task) {
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
