import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../src/notifications/webhook-sender';
import { apiClient } from './helpers/api-client';
import { startFakeTelegram, startReceiver } from './helpers/notification-fakes';
import { startTestServer, type TestServer } from './helpers/test-server';

// Issue 14: a user sets their notifications on the dashboard: a webhook and a Telegram chat, which
// events, a test button that says what each channel answered, and errors beside the fields.
const CHROMIUM = '/usr/bin/chromium';
const POLL = { timeout: 10_000, interval: 100 };
const SECRET = 'dashboard-webhook-secret-0123';
const BOT = { token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: 4242 };

describe.skipIf(!existsSync(CHROMIUM))('dashboard: notification settings', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    telegram = await startFakeTelegram(BOT);
    t = await startTestServer({ telegramApiRoot: telegram.apiRoot });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
    await telegram?.close();
  });

  const text = (testId: string) => page.textContent(`[data-testid=${testId}]`);

  it('sets a webhook and a Telegram chat, tests both, shows what is wrong beside each field, and removes them', async () => {
    const { user } = await apiClient(t.baseUrl).register('notify-page');
    await page.goto(t.baseUrl);
    await page.click('.tab[data-tab=login]');
    await page.fill('[data-testid=username]', 'notify-page');
    await page.fill('[data-testid=password]', 'correct-horse-battery');
    await page.click('[data-testid=auth-submit]');
    await page.waitForSelector('#app:not([hidden])');
    await expect.poll(() => text('notify-stored'), POLL).toBe('No notifications set.');
    expect(await page.isDisabled('[data-testid=notify-test]')).toBe(true);

    // Nothing set, then a short secret and a malformed token: said beside the fields, nothing sent.
    await page.click('[data-testid=notify-save]');
    expect(await text('error-webhook-url')).toBe('Set a webhook or a Telegram chat (or both).');
    await page.fill('[data-testid=notify-webhook-url]', receiver.url);
    await page.fill('[data-testid=notify-webhook-secret]', 'short');
    await page.fill('[data-testid=notify-bot-token]', 'not-a-token');
    await page.fill('[data-testid=notify-chat-id]', String(BOT.chatId));
    await page.click('[data-testid=notify-save]');
    expect(await text('error-webhook-url')).toBe('');
    expect(await text('error-webhook-secret')).toMatch(/At least 16 characters/);
    expect(await text('error-bot-token')).toMatch(/bot token from @BotFather/);
    expect(await text('error-chat-id')).toBe('');
    expect(await t.store.users.getNotificationSettings(user.id)).toBeNull();

    // What only the server knows is shown beside its field too (a URL it refuses).
    await page.fill('[data-testid=notify-webhook-url]', 'https://user:pass@example.com/hook');
    await page.fill('[data-testid=notify-webhook-secret]', SECRET);
    await page.fill('[data-testid=notify-bot-token]', BOT.token);
    await page.click('[data-testid=notify-save]');
    await expect.poll(() => text('error-webhook-url'), POLL).toBe('must not carry a user name or password');
    expect(await text('notify-message')).toMatch(/webhook\.url/);

    // Valid: saved; the secrets are gone from the page and shown as stored.
    await page.fill('[data-testid=notify-webhook-url]', receiver.url);
    await page.fill('[data-testid=notify-webhook-secret]', SECRET);
    await page.fill('[data-testid=notify-bot-token]', BOT.token);
    await page.check('input[name=riskRejections]');
    await page.click('[data-testid=notify-save]');
    await expect.poll(() => text('notify-message'), POLL).toBe('Notifications saved.');
    expect(await text('notify-stored')).toBe(`Sending to a webhook and Telegram chat ${BOT.chatId}.`);
    expect(await page.inputValue('[data-testid=notify-webhook-secret]')).toBe('');
    expect(await page.getAttribute('[data-testid=notify-bot-token]', 'placeholder')).toMatch(/^stored/);
    expect(await page.content()).not.toContain(BOT.token);
    const api = apiClient(t.baseUrl);
    const { access_token: token } = (await api.login('notify-page')).body;
    expect((await api.request('GET', '/account/notifications', { token })).body).toMatchObject({
      webhook: { url: receiver.url, secretSet: true },
      telegram: { chatId: String(BOT.chatId), botTokenSet: true },
      events: { tradeOpened: true, tradeClosed: true, riskRejections: true, engineErrors: false },
    });

    // The test button: one signed message to the webhook, one to the chat, and what each said.
    await page.click('[data-testid=notify-test]');
    await expect.poll(() => text('notify-message'), POLL).toBe('Webhook: delivered. Telegram: delivered.');
    const artifacts = join(import.meta.dirname, '..', 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page
      .locator('[data-testid=notifications]')
      .screenshot({ path: join(artifacts, 'dashboard-notifications.png') });
    const delivery = receiver.received.at(-1)!;
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'notification.test', userId: user.id });
    expect(delivery.headers['x-trd-signature']).toBe(
      webhookSignature(SECRET, Number(delivery.headers['x-trd-timestamp']), delivery.body),
    );
    expect(telegram.messages.at(-1)?.text).toMatch(/^TRD: test notification/);
    receiver.answerNext(500);
    await page.click('[data-testid=notify-test]');
    await expect
      .poll(() => text('notify-message'), POLL)
      .toBe('Webhook: not delivered (HTTP 500). Telegram: delivered.');

    // Removed.
    await page.click('[data-testid=notify-remove]');
    await expect.poll(() => text('notify-message'), POLL).toBe('Notifications removed.');
    expect(await text('notify-stored')).toBe('No notifications set.');
    expect((await api.request('GET', '/account/notifications', { token })).body.webhook).toBeNull();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
