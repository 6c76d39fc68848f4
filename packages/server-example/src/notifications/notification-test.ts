import type { TryOutcome } from './delivery-queue';
import type { NotificationSettings } from './notification-settings';
import type { TelegramSender } from './telegram-sender';
import type { WebhookSender } from './webhook-sender';

/** What one channel said to the test message. */
export interface ChannelTestResult {
  delivered: boolean;
  /** Why not (an HTTP status, `Telegram 401`, `timeout`, `unreachable`), never a secret. */
  reason?: string;
}

/** The answer of `POST /account/notifications/test`: each configured channel's outcome. */
export interface NotificationTestResult {
  webhook: ChannelTestResult | null;
  telegram: ChannelTestResult | null;
}

export type NotificationTester = (
  userId: string,
  settings: NotificationSettings,
) => Promise<NotificationTestResult>;

const resultOf = (outcome: TryOutcome): ChannelTestResult =>
  outcome.kind === 'delivered' ? { delivered: true } : { delivered: false, reason: outcome.reason };

/**
 * Sends one `notification.test` message to each channel of `settings` now, once each (no retry),
 * so a user sees at once whether the URL, the secret's receiver, the bot token and the chat work.
 */
export function createNotificationTester(
  senders: { webhooks: Pick<WebhookSender, 'tryNow'>; telegram: Pick<TelegramSender, 'tryNow'> },
  now: () => number = Date.now,
): NotificationTester {
  return async (userId, settings) => {
    const delivery = {
      type: 'notification.test',
      at: now(),
      userId,
      data: { message: 'TRD test notification: your settings work.' },
    };
    const [webhook, telegram] = await Promise.all([
      settings.webhook ? senders.webhooks.tryNow(settings.webhook, delivery).then(resultOf) : null,
      settings.telegram ? senders.telegram.tryNow(settings.telegram, delivery).then(resultOf) : null,
    ]);
    return { webhook, telegram };
  };
}
