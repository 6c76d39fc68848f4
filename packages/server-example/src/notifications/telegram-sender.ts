import { Api, GrammyError, HttpError } from 'grammy';
import type { DeliveryQueue, TryOutcome } from './delivery-queue';
import type { WebhookDelivery } from './webhook-sender';

export interface TelegramTarget {
  /** The user's bot (from @BotFather); sealed at rest, never returned or logged. */
  botToken: string;
  /** The chat the bot writes to: a numeric id, or `@channelname`. */
  chatId: string | number;
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** One line a person reads; plain text (no parse mode), so nothing in it is taken as markup. */
export function telegramText(delivery: WebhookDelivery): string {
  const d = delivery.data;
  switch (delivery.type) {
    case 'trade.opened':
      return `TRD: opened ${text(d.side)} ${text(d.quantity)} ${text(d.symbol)} at ${text(d.entryPrice)} (take profit ${text(d.takeProfit)}, stop loss ${text(d.stopLoss)})`;
    case 'trade.closed':
      return `TRD: closed ${text(d.symbol)} (${text(d.exitReason)}) at ${text(d.exitPrice)}: P&L ${text(d.profitLoss)} (${text(d.profitLossPercent)} %)`;
    case 'trade.rejected': {
      const violations = (d.violations as { code: string }[] | undefined)?.map((v) => v.code).join(', ');
      return `TRD: ${text(d.action)} ${text(d.symbol)} at confidence ${text(d.confidence)} not traded: ${violations ?? ''}`;
    }
    case 'notification.test':
      return 'TRD: test notification. Your notification settings work.';
    default:
      return `TRD: engine error (${text(d.stage)}${d.symbol ? `, ${text(d.symbol)}` : ''}): ${text(d.message)}`;
  }
}

/**
 * Sends deliveries as Telegram messages through grammY's `Api` (`sendMessage`), queued and retried
 * like webhooks: a 429 after the `retry_after` Telegram gives (Bot API `ResponseParameters`), a 5xx
 * or a network error with backoff; any other refusal (401 bad token, 400 chat not found, 403 the
 * user blocked the bot) is final. `apiRoot` points it at a local Bot API server (tests).
 */
export function createTelegramSender(
  queue: DeliveryQueue,
  options: { apiRoot?: string; timeoutSeconds?: number } = {},
) {
  const client = {
    timeoutSeconds: options.timeoutSeconds ?? 5,
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
  };

  const tryOnce = async (target: TelegramTarget, message: string): Promise<TryOutcome> => {
    try {
      await new Api(target.botToken, client).sendMessage(target.chatId, message);
      return { kind: 'delivered' };
    } catch (error) {
      // Never the error's message: grammY's network errors carry the request URL, token included.
      if (error instanceof GrammyError) {
        const reason = `Telegram ${error.error_code}`;
        if (error.error_code === 429)
          return { kind: 'retry', reason, afterMs: (error.parameters.retry_after ?? 1) * 1000 };
        if (error.error_code >= 500) return { kind: 'retry', reason };
        return { kind: 'refused', reason };
      }
      if (error instanceof HttpError) return { kind: 'retry', reason: 'network' };
      return { kind: 'retry', reason: 'error' };
    }
  };

  return {
    /** One try now, outside the queue (the settings page's test button). */
    tryNow: (target: TelegramTarget, delivery: WebhookDelivery): Promise<TryOutcome> =>
      tryOnce(target, telegramText(delivery)),
    send(target: TelegramTarget, delivery: WebhookDelivery): void {
      const message = telegramText(delivery);
      queue.enqueue({ channel: 'telegram', userId: delivery.userId, type: delivery.type }, () =>
        tryOnce(target, message),
      );
    },
  };
}
export type TelegramSender = ReturnType<typeof createTelegramSender>;
