import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  notificationSealer,
  notificationSettingsSchema,
  publicView,
  webhookUrlProblem,
} from '../notifications/notification-settings';
import { callerId } from '../security/authentication';
import { errorResponses, messageResponseSchema } from '../server/api-schemas';
import { RequestValidationError, refuseBody, sendError } from '../server/http-errors';
import type { ServerDeps } from '../server/server-deps';

const notificationsViewSchema = z.object({
  webhook: z.object({ url: z.string(), secretSet: z.literal(true) }).nullable(),
  telegram: z.object({ chatId: z.string(), botTokenSet: z.literal(true) }).nullable(),
  events: z.object({
    tradeOpened: z.boolean(),
    tradeClosed: z.boolean(),
    riskRejections: z.boolean(),
    engineErrors: z.boolean(),
  }),
});

const NONE = {
  webhook: null,
  telegram: null,
  events: { tradeOpened: false, tradeClosed: false, riskRejections: false, engineErrors: false },
};

/** The caller's notifications: a signed webhook per user, which events go to it. */
export function notificationRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  const sealer = notificationSealer(deps.security.credentialsKey, {
    previousKey: deps.security.credentialsKeyPrevious,
  });

  return async (app) => {
    app.addHook('onRequest', app.authenticate);

    app.get(
      '/account/notifications',
      {
        schema: {
          tags: ['account'],
          summary: "The caller's notification settings (the webhook secret is never returned)",
          security: [{ bearerAuth: [] }],
          response: { 200: notificationsViewSchema, ...errorResponses(401) },
        },
      },
      async (request) => {
        const userId = callerId(request);
        const sealed = await deps.users.getNotificationSettings(userId);
        if (sealed === null) return NONE;
        return publicView(notificationSettingsSchema.parse(JSON.parse(sealer.open(userId, sealed))));
      },
    );

    app.put(
      '/account/notifications',
      {
        schema: {
          tags: ['account'],
          summary:
            'Send the caller trade opened / closed (and optionally risk rejections, engine errors) to a webhook, signed with HMAC-SHA256',
          security: [{ bearerAuth: [] }],
          body: notificationSettingsSchema,
          response: { 200: notificationsViewSchema, ...errorResponses(400, 401, 413) },
        },
      },
      async (request) => {
        const userId = callerId(request);
        const { webhook } = request.body;
        const problem = webhook && webhookUrlProblem(webhook.url, deps.allowPrivateWebhookUrls ?? false);
        if (problem) throw new RequestValidationError([{ field: 'webhook.url', message: problem }]);
        await deps.users.setNotificationSettings(userId, sealer.seal(userId, JSON.stringify(request.body)));
        request.log.info({ userId }, 'notification settings stored');
        return publicView(request.body);
      },
    );

    const channelResult = z.object({ delivered: z.boolean(), reason: z.string().optional() }).nullable();
    app.post(
      '/account/notifications/test',
      {
        preValidation: refuseBody,
        config: { rateLimit: { max: 6, timeWindow: '1 minute' } },
        schema: {
          tags: ['account'],
          summary:
            "Send one test message to each of the caller's notification channels now: whether each was delivered, and why not",
          security: [{ bearerAuth: [] }],
          response: {
            200: z.object({ webhook: channelResult, telegram: channelResult }),
            ...errorResponses(400, 401, 409, 413, 429, 503),
          },
        },
      },
      async (request, reply) => {
        const userId = callerId(request);
        if (!deps.testNotifications)
          return sendError(reply, 503, 'notifications are not available on this server');
        const sealed = await deps.users.getNotificationSettings(userId);
        if (sealed === null) return sendError(reply, 409, 'save a webhook or a Telegram chat first');
        const settings = notificationSettingsSchema.parse(JSON.parse(sealer.open(userId, sealed)));
        const result = await deps.testNotifications(userId, settings);
        request.log.info(
          { userId, webhook: result.webhook?.delivered, telegram: result.telegram?.delivered },
          'test notification sent',
        );
        return result;
      },
    );

    app.delete(
      '/account/notifications',
      {
        preValidation: refuseBody,
        schema: {
          tags: ['account'],
          summary: 'Stop every notification of the caller',
          security: [{ bearerAuth: [] }],
          response: { 200: messageResponseSchema, ...errorResponses(400, 401, 413) },
        },
      },
      async (request) => {
        await deps.users.setNotificationSettings(callerId(request), null);
        return { message: 'notifications removed' };
      },
    );
  };
}
