import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface WebhookDelivery {
  /** `trade.opened`, `trade.closed`, `trade.rejected`, `engine.error`. */
  type: string;
  at: number;
  userId: string;
  data: Record<string, unknown>;
}

export interface WebhookSenderOptions {
  /** Tries per delivery (default 4: at once, then after 1 s, 4 s and 16 s). */
  attempts?: number;
  baseDelayMs?: number;
  /** Per attempt (default 5 s): a slow receiver never holds anything but its own delivery. */
  timeoutMs?: number;
  /** Deliveries waiting or in flight at most (default 1,000); beyond that new ones are dropped and logged. */
  maxPending?: number;
  log?: (message: string, details: Record<string, unknown>) => void;
  /** Wall-clock seconds for the signature's timestamp. */
  nowSeconds?: () => number;
}

/**
 * The signature of a delivery: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the
 * user's secret (the timestamp signed too, so a captured delivery cannot be replayed later).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends deliveries in the background: `send` returns at once (the engine never waits for a
 * receiver), failures are retried with exponential backoff (network errors, timeouts, 429 and
 * 5xx; any other answer is final), and what could not be delivered is logged without the secret.
 */
export function createWebhookSender(options: WebhookSenderOptions = {}) {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxPending = options.maxPending ?? 1_000;
  const log = options.log ?? (() => {});
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
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

  const attempt = async (target: WebhookTarget, id: string, delivery: WebhookDelivery, body: string) => {
    const timestamp = nowSeconds();
    const response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'trd-webhook/1',
        'x-trd-delivery': id,
        'x-trd-event': delivery.type,
        'x-trd-timestamp': String(timestamp),
        'x-trd-signature': webhookSignature(target.secret, timestamp, body),
      },
      body,
    });
    await response.body?.cancel();
    return response.status;
  };

  const deliver = async (target: WebhookTarget, delivery: WebhookDelivery) => {
    const id = randomUUID();
    const body = JSON.stringify({ id, ...delivery });
    for (let n = 1; n <= attempts && !closed; n++) {
      let outcome: string;
      try {
        const status = await attempt(target, id, delivery, body);
        if (status >= 200 && status < 300) return;
        outcome = `HTTP ${status}`;
        if (status !== 429 && status < 500) {
          log('webhook refused by the receiver; not retried', {
            userId: delivery.userId,
            type: delivery.type,
            outcome,
          });
          return;
        }
      } catch (error) {
        outcome = error instanceof Error ? error.name : 'error';
      }
      if (n === attempts) {
        log('webhook not delivered', { userId: delivery.userId, type: delivery.type, outcome, attempts });
        return;
      }
      await sleep(baseDelayMs * 4 ** (n - 1));
    }
  };

  return {
    send(target: WebhookTarget, delivery: WebhookDelivery): void {
      if (closed) return;
      if (pending.size >= maxPending) {
        log('webhook dropped: too many deliveries pending', { userId: delivery.userId, type: delivery.type });
        return;
      }
      const running = deliver(target, delivery).finally(() => pending.delete(running));
      pending.add(running);
    },
    /** Resolves once every delivery sent so far has finished (for tests and shutdown). */
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
export type WebhookSender = ReturnType<typeof createWebhookSender>;
