import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../src/notifications/webhook-sender';
import { apiClient } from './helpers/api-client';
import { type Received, startFakeTelegram, startReceiver } from './helpers/notification-fakes';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const MINUTE = 60_000;
const SECRET = 'whsec-0123456789abcdef';

describe('notifications: a signed webhook per user', () => {
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.baseUrl);
    receiver = await startReceiver();
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const put = (token: string, body: unknown) => api.request('PUT', '/account/notifications', { token, body });

  it('stores the settings without ever showing the secret, and refuses bad ones with a 400 naming the field', async () => {
    const { access_token: token } = await api.register('notify-settings');
    expect((await api.request('GET', '/account/notifications', { token })).body).toEqual({
      webhook: null,
      telegram: null,
      events: { tradeOpened: false, tradeClosed: false, riskRejections: false, engineErrors: false },
    });
    const stored = await put(token, { webhook: { url: receiver.url, secret: SECRET } });
    expect(stored.status).toBe(200);
    const shown = await api.request('GET', '/account/notifications', { token });
    expect(shown.body).toEqual({
      webhook: { url: receiver.url, secretSet: true },
      telegram: null,
      events: { tradeOpened: true, tradeClosed: true, riskRejections: false, engineErrors: false },
    });
    expect(JSON.stringify(shown.body) + JSON.stringify(stored.body)).not.toContain(SECRET);
    // Sealed in the database, never in clear.
    const [row] = await t.store.query<{ settings: string }>('select "settings" from "user_notifications"');
    expect(row?.settings).not.toContain(SECRET);
    expect(row?.settings).not.toContain('127.0.0.1');

    for (const [body, field] of [
      [{ webhook: { url: 'ftp://example.com/x', secret: SECRET } }, 'webhook.url'],
      [{ webhook: { url: receiver.url, secret: 'short' } }, 'webhook.secret'],
      [
        { webhook: { url: receiver.url, secret: SECRET }, events: { tradeOpened: 'yes' } },
        'events.tradeOpened',
      ],
      [{ webhook: { url: receiver.url, secret: SECRET, extra: 1 } }, 'webhook'],
      [{ events: { tradeOpened: true } }, 'webhook'],
      [{ telegram: { botToken: 'not-a-token', chatId: 42 } }, 'telegram.botToken'],
    ] as const) {
      const refused = await put(token, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(refused.body)).toContain(field);
    }
    expect((await api.request('DELETE', '/account/notifications', { token })).status).toBe(200);
    expect((await api.request('GET', '/account/notifications', { token })).body.webhook).toBeNull();
  });

  it('sends a signed test message to the webhook at once, once, and says what the receiver answered', async () => {
    const { access_token: token, user } = await api.register('notify-tester');
    const none = await api.request('POST', '/account/notifications/test', { token });
    expect(none.status).toBe(409);
    expect(none.body.message).toMatch(/save a webhook or a Telegram chat first/);
    expect((await put(token, { webhook: { url: receiver.url, secret: SECRET } })).status).toBe(200);

    const before = receiver.received.length;
    const tested = await api.request('POST', '/account/notifications/test', { token });
    expect(tested).toMatchObject({ status: 200, body: { webhook: { delivered: true }, telegram: null } });
    const delivery = receiver.received.at(-1)!;
    expect(receiver.received).toHaveLength(before + 1);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'notification.test', userId: user.id });
    expect(delivery.headers['x-trd-event']).toBe('notification.test');
    expect(delivery.headers['x-trd-signature']).toBe(
      webhookSignature(SECRET, Number(delivery.headers['x-trd-timestamp']), delivery.body),
    );

    // A receiver that fails: said at once, not retried (the user presses the button again).
    receiver.answerNext(500);
    const failed = await api.request('POST', '/account/notifications/test', { token });
    expect(failed.body).toEqual({ webhook: { delivered: false, reason: 'HTTP 500' }, telegram: null });
    expect(receiver.received).toHaveLength(before + 2);
    expect(JSON.stringify(failed.body)).not.toContain(SECRET);
    expect(t.stdout()).not.toContain(SECRET);
  });

  it('refuses loopback and private webhook addresses unless the operator allows them (SSRF)', async () => {
    const strict = await startTestServer({ allowPrivateWebhookUrls: false });
    try {
      const client = apiClient(strict.baseUrl);
      const { access_token: token } = await client.register('notify-ssrf');
      for (const url of [
        'https://127.0.0.1/x',
        'https://localhost:8080/x',
        'https://10.1.2.3/x',
        'https://192.168.0.10/x',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/x',
        'http://hooks.example.com/x',
      ]) {
        const refused = await client.request('PUT', '/account/notifications', {
          token,
          body: { webhook: { url, secret: SECRET } },
        });
        expect(refused.status, url).toBe(400);
        expect(refused.body.message).toContain('webhook.url');
      }
      const accepted = await client.request('PUT', '/account/notifications', {
        token,
        body: { webhook: { url: 'https://hooks.example.com/trd', secret: SECRET } },
      });
      expect(accepted.status).toBe(200);
    } finally {
      await strict.close();
    }
  }, 90_000);

  it('delivers trade opened and closed, signed over the timestamp and body, retried after a 500, only to the user who opted in', async () => {
    const alice = await api.register('notify-alice');
    const bob = await api.register('notify-bob');
    await put(alice.access_token, { webhook: { url: receiver.url, secret: SECRET } });
    await api.request('POST', '/trading/start', { token: alice.access_token });
    await api.request('POST', '/trading/start', { token: bob.access_token });
    receiver.received.length = 0;
    receiver.answerNext(500);
    t.analyzer.script((input) => buySignal(input.market.price, 80), alice.user.id);
    t.analyzer.script((input) => buySignal(input.market.price, 80), bob.user.id);
    await t.engine.runCycle();
    await t.webhooksIdle();

    // The first try got a 500; the retry delivered the same delivery id.
    expect(receiver.received).toHaveLength(2);
    const [failed, delivered] = receiver.received as [Received, Received];
    expect(delivered.headers['x-trd-delivery']).toBe(failed.headers['x-trd-delivery']);
    const timestamp = Number(delivered.headers['x-trd-timestamp']);
    expect(delivered.headers['x-trd-signature']).toBe(webhookSignature(SECRET, timestamp, delivered.body));
    expect(delivered.headers['x-trd-event']).toBe('trade.opened');
    const opened = JSON.parse(delivered.body);
    expect(opened).toMatchObject({
      type: 'trade.opened',
      userId: alice.user.id,
      data: { symbol: 'BTCUSDT', side: 'buy', tradeId: expect.any(String) },
    });
    expect(delivered.body).not.toContain(SECRET);
    expect(delivered.body).not.toContain(bob.user.id);

    // Close it by hand: trade.closed with the P&L.
    receiver.received.length = 0;
    await t.clock.advance(MINUTE);
    await api.request('POST', `/trading/close/${opened.data.tradeId}`, { token: alice.access_token });
    await t.webhooksIdle();
    const closed = JSON.parse((receiver.received[0] as Received).body);
    expect(closed).toMatchObject({
      type: 'trade.closed',
      userId: alice.user.id,
      data: { tradeId: opened.data.tradeId, exitReason: 'MANUAL', profitLoss: expect.any(String) },
    });
  });

  it('sends risk rejections only when asked, and a receiver that never answers does not hold the engine', async () => {
    const carol = await api.register('notify-carol');
    await put(carol.access_token, {
      webhook: { url: receiver.url, secret: SECRET },
      events: { tradeOpened: true, tradeClosed: true, riskRejections: true, engineErrors: false },
    });
    await api.request('POST', '/trading/start', { token: carol.access_token });
    receiver.received.length = 0;
    receiver.hangFromNowOn();
    await t.clock.advance(MINUTE);
    t.analyzer.script((input) => buySignal(input.market.price, 10), carol.user.id);
    const started = performance.now();
    await t.engine.runCycle();
    // The cycle did not wait for the hanging receiver (its timeout is 1 s, retried 4 times).
    expect(performance.now() - started).toBeLessThan(900);
    await t.webhooksIdle();
    const rejection = receiver.received
      .map((delivery) => JSON.parse(delivery.body))
      .find((d) => d.userId === carol.user.id);
    expect(rejection).toMatchObject({ type: 'trade.rejected', data: { action: 'buy', confidence: 10 } });
    expect(rejection.data.violations.length).toBeGreaterThan(0);
    expect(t.stdout()).toMatch(/notification not delivered.*"channel":"webhook".*"outcome":"TimeoutError"/);
    expect(t.stdout()).not.toContain(SECRET);
  }, 30_000);
});

describe('notifications: Telegram', () => {
  const BOT = { token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: 4242 };
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let t: TestServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    telegram = await startFakeTelegram(BOT);
    t = await startTestServer({ telegramApiRoot: telegram.apiRoot });
    api = apiClient(t.baseUrl);
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await telegram?.close();
  });

  it('writes trade opened to the user’s chat through the Bot API, waits out a 429’s retry_after, and never shows the bot token', async () => {
    const dave = await api.register('notify-dave');
    const stored = await api.request('PUT', '/account/notifications', {
      token: dave.access_token,
      body: { telegram: { botToken: BOT.token, chatId: BOT.chatId } },
    });
    expect(stored.status).toBe(200);
    expect(stored.body.telegram).toEqual({ chatId: '4242', botTokenSet: true });
    const shown = await api.request('GET', '/account/notifications', { token: dave.access_token });
    expect(JSON.stringify(shown.body)).not.toContain(BOT.token.split(':')[1]);

    await api.request('POST', '/trading/start', { token: dave.access_token });
    telegram.floodNext();
    t.analyzer.script((input) => buySignal(input.market.price, 80), dave.user.id);
    const started = performance.now();
    await t.engine.runCycle();
    expect(performance.now() - started).toBeLessThan(900);
    await t.webhooksIdle();
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]?.text).toMatch(
      /^TRD: opened buy [\d.]+ BTCUSDT at [\d.]+ \(take profit [\d.]+, stop loss [\d.]+\)$/,
    );
    // Waited the second Telegram asked for.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(t.stdout()).not.toContain(BOT.token);
  }, 30_000);

  it('sends a test message to the chat, and says why not when the bot cannot write there', async () => {
    const { access_token: token } = await api.register('notify-telegram-tester');
    await api.request('PUT', '/account/notifications', {
      token,
      body: { telegram: { botToken: BOT.token, chatId: BOT.chatId } },
    });
    const tested = await api.request('POST', '/account/notifications/test', { token });
    expect(tested.body).toEqual({ webhook: null, telegram: { delivered: true } });
    expect(telegram.messages.at(-1)).toEqual({
      chatId: BOT.chatId,
      text: expect.stringMatching(/^TRD: test notification/),
    });
    await api.request('PUT', '/account/notifications', {
      token,
      body: { telegram: { botToken: BOT.token, chatId: 999 } },
    });
    const refused = await api.request('POST', '/account/notifications/test', { token });
    expect(refused.body).toEqual({ webhook: null, telegram: { delivered: false, reason: 'Telegram 400' } });
    expect(JSON.stringify(refused.body) + t.stdout()).not.toContain(BOT.token);
  });

  it('gives up at once on a chat the bot cannot write to, logging no token', async () => {
    const erin = await api.register('notify-erin');
    await api.request('PUT', '/account/notifications', {
      token: erin.access_token,
      body: { telegram: { botToken: BOT.token, chatId: 999 } },
    });
    await api.request('POST', '/trading/start', { token: erin.access_token });
    await t.clock.advance(MINUTE);
    t.analyzer.script((input) => buySignal(input.market.price, 80), erin.user.id);
    await t.engine.runCycle();
    await t.webhooksIdle();
    expect(t.stdout()).toMatch(
      /notification refused by the receiver; not retried.*"channel":"telegram".*"outcome":"Telegram 400"/,
    );
    expect(t.stdout()).not.toContain(BOT.token);
  }, 30_000);
});
