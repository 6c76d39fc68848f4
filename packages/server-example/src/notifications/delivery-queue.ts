/** What one try of a delivery came to. */
export type TryOutcome =
  | { kind: 'delivered' }
  /** Worth another try (network, timeout, 429, 5xx); `afterMs` when the receiver said when. */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** The receiver refused it for good: not tried again. */
  | { kind: 'refused'; reason: string };

export interface DeliveryQueueOptions {
  /** Tries per delivery (default 4: at once, then after 1 s, 4 s and 16 s). */
  attempts?: number;
  baseDelayMs?: number;
  /** Deliveries waiting or in flight at most (default 1,000); beyond that new ones are dropped and logged. */
  maxPending?: number;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Notifications in the background: `enqueue` returns at once (the engine never waits for a
 * receiver), a try that may succeed later is retried with exponential backoff (or after the
 * receiver's own `retry after`), and what could not be delivered is logged by user, type and
 * outcome — never a secret, a URL or a chat id.
 */
export function createDeliveryQueue(options: DeliveryQueueOptions = {}) {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxPending = options.maxPending ?? 1_000;
  const log = options.log ?? (() => {});
  const pending = new Set<Promise<void>>();
  let closed = false;
  // Ends every backoff wait at once on close.
  const stop = new AbortController();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const deliver = async (about: Record<string, unknown>, tryOnce: () => Promise<TryOutcome>) => {
    for (let n = 1; n <= attempts && !closed; n++) {
      let outcome: TryOutcome;
      try {
        outcome = await tryOnce();
      } catch (error) {
        outcome = { kind: 'retry', reason: error instanceof Error ? error.name : 'error' };
      }
      if (outcome.kind === 'delivered') return;
      if (outcome.kind === 'refused') {
        log('notification refused by the receiver; not retried', { ...about, outcome: outcome.reason });
        return;
      }
      if (n === attempts) {
        log('notification not delivered', { ...about, outcome: outcome.reason, attempts });
        return;
      }
      await sleep(outcome.afterMs ?? baseDelayMs * 4 ** (n - 1));
    }
  };

  return {
    /** `about` names the delivery in logs (user, type, channel): nothing secret. */
    enqueue(about: Record<string, unknown>, tryOnce: () => Promise<TryOutcome>): void {
      if (closed) return;
      if (pending.size >= maxPending) {
        log('notification dropped: too many deliveries pending', about);
        return;
      }
      const running = deliver(about, tryOnce).finally(() => pending.delete(running));
      pending.add(running);
    },
    /** Resolves once every delivery enqueued so far has finished (for tests and shutdown). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    /** No new deliveries, no more retries; waits for those in flight. */
    async close(): Promise<void> {
      closed = true;
      stop.abort();
      await this.idle();
    },
  };
}
export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
