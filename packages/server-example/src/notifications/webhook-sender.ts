import { createHmac, randomUUID } from 'node:crypto';
import type { DeliveryQueue, TryOutcome } from './delivery-queue';

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

/**
 * The signature of a delivery: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the
 * user's secret (the timestamp signed too, so a captured delivery cannot be replayed later).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Posts deliveries to users' webhooks through the queue: one id per delivery (the same on every
 * retry, so a receiver can deduplicate), signed anew on each try; network errors, timeouts, 429
 * and 5xx are retried, any other answer is final. Redirects are not followed.
 */
export function createWebhookSender(
  queue: DeliveryQueue,
  options: { timeoutMs?: number; nowSeconds?: () => number } = {},
) {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const tryOnce = async (
    target: WebhookTarget,
    id: string,
    type: string,
    body: string,
  ): Promise<TryOutcome> => {
    const timestamp = nowSeconds();
    const response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'trd-webhook/1',
        'x-trd-delivery': id,
        'x-trd-event': type,
        'x-trd-timestamp': String(timestamp),
        'x-trd-signature': webhookSignature(target.secret, timestamp, body),
      },
      body,
    });
    await response.body?.cancel();
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 429 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}` };
    return { kind: 'refused', reason: `HTTP ${status}` };
  };

  return {
    /** One try now, outside the queue (the settings page's test button): what the receiver said. */
    async tryNow(target: WebhookTarget, delivery: WebhookDelivery): Promise<TryOutcome> {
      const id = randomUUID();
      try {
        return await tryOnce(target, id, delivery.type, JSON.stringify({ id, ...delivery }));
      } catch (error) {
        // Never the error's text: it may carry the URL's query (a receiver's own token).
        return {
          kind: 'retry',
          reason: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable',
        };
      }
    },
    send(target: WebhookTarget, delivery: WebhookDelivery): void {
      const id = randomUUID();
      const body = JSON.stringify({ id, ...delivery });
      queue.enqueue({ channel: 'webhook', userId: delivery.userId, type: delivery.type }, () =>
        tryOnce(target, id, delivery.type, body),
      );
    },
  };
}
export type WebhookSender = ReturnType<typeof createWebhookSender>;
