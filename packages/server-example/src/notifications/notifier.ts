import type { Trade } from '@trd/core';
import type { TextSealer } from '../security/sealed-text';
import { engineListeners } from '../server/engine-listeners';
import type { TradingEngine, UserRepository } from '../server/server-deps';
import { createDeliveryQueue, type DeliveryQueueOptions } from './delivery-queue';
import {
  type NotificationEvent,
  type NotificationSettings,
  notificationSealer,
  notificationSettingsSchema,
} from './notification-settings';
import { createNotificationTester } from './notification-test';
import { createTelegramSender, type TelegramSender } from './telegram-sender';
import { createWebhookSender, type WebhookDelivery, type WebhookSender } from './webhook-sender';

function tradeData(trade: Trade): Record<string, unknown> {
  return {
    tradeId: trade.id,
    symbol: trade.symbol,
    side: trade.side,
    quantity: trade.quantity,
    entryPrice: trade.entryPrice,
    takeProfit: trade.takeProfit,
    stopLoss: trade.stopLoss,
    openedAt: trade.openedAt,
    ...(trade.status === 'closed'
      ? {
          exitPrice: trade.exitPrice,
          exitReason: trade.exitReason,
          profitLoss: trade.profitLoss,
          profitLossPercent: trade.profitLossPercent,
          fees: trade.exitFee,
          closedAt: trade.closedAt,
        }
      : {}),
  };
}

/**
 * Tells users what their engine did, through their webhook and / or Telegram: trades opened and closed (with P&L),
 * and, when they opted in, risk rejections and engine errors. Settings are read per event (events
 * are few: trades, not cycles), so a change applies at once in every process. Never blocks the
 * engine: a lookup or delivery failure is logged and forgotten.
 */
export function attachNotifications(
  engine: TradingEngine,
  deps: {
    users: Pick<UserRepository, 'getNotificationSettings'>;
    sealer: TextSealer;
    webhooks: WebhookSender;
    telegram: TelegramSender;
    /** Resolves once the channels' deliveries so far have finished. */
    deliveriesIdle: () => Promise<void>;
    log?: (message: string, details: Record<string, unknown>) => void;
  },
): { detach(): void; idle(): Promise<void> } {
  const log = deps.log ?? (() => {});
  const lookups = new Set<Promise<void>>();
  const settingsOf = async (userId: string): Promise<NotificationSettings | null> => {
    const sealed = await deps.users.getNotificationSettings(userId);
    if (sealed === null) return null;
    return notificationSettingsSchema.parse(JSON.parse(deps.sealer.open(userId, sealed)));
  };
  const notify = (event: NotificationEvent, delivery: WebhookDelivery) => {
    const lookup = settingsOf(delivery.userId)
      .then((settings) => {
        if (!settings?.events[event]) return;
        if (settings.webhook) deps.webhooks.send(settings.webhook, delivery);
        if (settings.telegram) deps.telegram.send(settings.telegram, delivery);
      })
      .catch((error: unknown) =>
        log('notification settings unreadable; nothing sent', {
          userId: delivery.userId,
          type: delivery.type,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => lookups.delete(lookup));
    lookups.add(lookup);
  };

  const listeners = engineListeners(engine);
  const on = listeners.on;
  on('trade:opened', ({ userId, trade, at }) =>
    notify('tradeOpened', { type: 'trade.opened', at, userId, data: tradeData(trade) }),
  );
  on('trade:closed', ({ userId, trade, at }) =>
    notify('tradeClosed', { type: 'trade.closed', at, userId, data: tradeData(trade) }),
  );
  on('trade:rejected', ({ userId, symbol, signal, violations, at }) =>
    notify('riskRejections', {
      type: 'trade.rejected',
      at,
      userId,
      data: {
        symbol,
        action: signal.action,
        confidence: signal.confidence,
        violations: violations.map((violation) => ({ code: violation.code, message: violation.message })),
      },
    }),
  );
  on('error', ({ userId, stage, symbol, error, at }) => {
    if (userId === undefined) return;
    notify('engineErrors', {
      type: 'engine.error',
      at,
      userId,
      data: { stage, ...(symbol ? { symbol } : {}), message: error.message },
    });
  });
  return {
    detach: listeners.detach,
    /** Resolves once every event so far has been looked up and its delivery has finished. */
    async idle() {
      while (lookups.size > 0) await Promise.all([...lookups]);
      await deps.deliveriesIdle();
    },
  };
}

/**
 * The server's notifications, whole: one delivery queue, the webhook and Telegram channels on it,
 * the engine's events wired to them. `close` stops retries and waits for deliveries in flight.
 */
export function startNotifications(
  engine: TradingEngine,
  options: {
    users: Pick<UserRepository, 'getNotificationSettings'>;
    credentialsKey: Buffer;
    /** During a key rotation: what it sealed still opens. */
    credentialsKeyPrevious?: Buffer;
    queue?: DeliveryQueueOptions;
    webhookTimeoutMs?: number;
    /** A local Bot API server instead of api.telegram.org (tests). */
    telegramApiRoot?: string;
    log?: (message: string, details: Record<string, unknown>) => void;
  },
) {
  const queue = createDeliveryQueue({ ...options.queue, ...(options.log ? { log: options.log } : {}) });
  const webhooks = createWebhookSender(
    queue,
    options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {},
  );
  const telegram = createTelegramSender(
    queue,
    options.telegramApiRoot ? { apiRoot: options.telegramApiRoot } : {},
  );
  const attached = attachNotifications(engine, {
    users: options.users,
    sealer: notificationSealer(options.credentialsKey, { previousKey: options.credentialsKeyPrevious }),
    webhooks,
    telegram,
    deliveriesIdle: () => queue.idle(),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    idle: attached.idle,
    /** The settings page's test: one message to each channel now. */
    test: createNotificationTester({ webhooks, telegram }),
    async close() {
      attached.detach();
      await queue.close();
    },
  };
}
