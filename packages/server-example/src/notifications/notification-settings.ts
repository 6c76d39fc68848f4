import { z } from 'zod';
import { createRotatingSealer, type RotatingSealer } from '../security/rotating-sealer';
import { createTextSealer } from '../security/sealed-text';

/**
 * The settings are sealed under the credentials key, bound to this purpose and the user. During a
 * key rotation (`previousKey`, CREDENTIALS_KEY_PREVIOUS) what the old key sealed still opens.
 */
export function notificationSealer(
  credentialsKey: Buffer,
  options: { previousKey?: Buffer | undefined } = {},
): RotatingSealer {
  const sealerFor = (key: Buffer) =>
    createTextSealer(key, { what: 'notification settings', purpose: 'notification settings' });
  return createRotatingSealer(
    sealerFor(credentialsKey),
    options.previousKey ? sealerFor(options.previousKey) : undefined,
  );
}

/** The events a user can be told about. */
export const NOTIFICATION_EVENTS = ['tradeOpened', 'tradeClosed', 'riskRejections', 'engineErrors'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * What a user sets (`PUT /account/notifications`): a webhook (its secret signs every delivery,
 * HMAC-SHA256), a Telegram bot and chat, or both. Secrets are stored sealed and never returned. Trades opened and closed are on by default, risk
 * rejections (one per refused signal, possibly every minute) and engine errors off.
 */
export const notificationSettingsSchema = z
  .object({
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
        secret: z.string().min(16, 'must be at least 16 characters').max(256),
      })
      .strict()
      .optional(),
    telegram: z
      .object({
        // A Bot API token as @BotFather gives it: `<bot id>:<35 characters>`.
        botToken: z.string().regex(/^\d{5,20}:[A-Za-z0-9_-]{30,64}$/, 'must be a bot token from @BotFather'),
        chatId: z.union([
          z.number().int(),
          z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, 'must be a chat id or @channelname'),
        ]),
      })
      .strict()
      .optional(),
    events: z
      .object({
        tradeOpened: z.boolean().default(true),
        tradeClosed: z.boolean().default(true),
        riskRejections: z.boolean().default(false),
        engineErrors: z.boolean().default(false),
      })
      .strict()
      .default({ tradeOpened: true, tradeClosed: true, riskRejections: false, engineErrors: false }),
  })
  .strict()
  .refine((settings) => settings.webhook !== undefined || settings.telegram !== undefined, {
    message: 'needs a webhook or telegram (or both)',
    path: ['webhook'],
  });
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** What `GET /account/notifications` shows: everything but the webhook secret and the bot token. */
export function publicView(settings: NotificationSettings) {
  return {
    webhook: settings.webhook ? { url: settings.webhook.url, secretSet: true as const } : null,
    telegram: settings.telegram
      ? { chatId: String(settings.telegram.chatId), botTokenSet: true as const }
      : null,
    events: settings.events,
  };
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0|\[?::1?\]?|\[?f[cd][0-9a-f]{2}:.*|\[?fe80:.*)$/i;

/**
 * Why a webhook URL may not be used, or undefined. A user-given URL is a request the server makes
 * on the user's behalf: one to a loopback or private address would let a user probe the server's
 * own network (SSRF), so those are refused unless the operator allows them (`allowPrivate`, for a
 * receiver on the same host). Names are not resolved here: a public name pointing at a private
 * address is not caught (see the README).
 */
export function webhookUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (!allowPrivate && PRIVATE_HOST.test(parsed.hostname))
    return 'must not point at a loopback or private network address';
  if (!allowPrivate && parsed.protocol !== 'https:') return 'must be an https URL';
  return undefined;
}
