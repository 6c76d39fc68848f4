import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from '@trd/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './helpers/api-client';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const CHROMIUM = '/usr/bin/chromium';
/** Page updates arrive over the WebSocket and a few fetches: allow for a slow CI machine. */
const POLL = { timeout: 10_000, interval: 100 };
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

// Debian's Chromium is installed by scripts/install-chromium.sh (CI runs it before the tests).
describe.skipIf(!existsSync(CHROMIUM))('dashboard in headless Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Console errors include Content-Security-Policy violations and failed requests.
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs up, logs in, starts trading, shows the trade live, and closes it', async () => {
    await page.goto(t.baseUrl);
    // Sign up through the page.
    await page.click('.tab[data-tab=register]');
    await page.fill('[data-testid=username]', 'dana');
    await page.fill('[data-testid=email]', 'dana@example.com');
    await page.fill('[data-testid=password]', 'dana-password-123');
    await page.click('[data-testid=auth-submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.click('#logout');

    // Log in.
    await page.click('.tab[data-tab=login]');
    await page.fill('[data-testid=username]', 'dana');
    await page.fill('[data-testid=password]', 'wrong-password-0');
    await page.click('[data-testid=auth-submit]');
    await expect
      .poll(() => page.textContent('[data-testid=auth-error]'), POLL)
      .toContain('wrong username or password');
    await page.fill('[data-testid=password]', 'dana-password-123');
    await page.click('[data-testid=auth-submit]');
    await page.waitForSelector('#app:not([hidden])');
    await expect.poll(() => page.textContent('[data-testid=connection]'), POLL).toBe('live');
    expect(await page.textContent('[data-testid=status]')).toBe('stopped');

    // Start trading.
    await page.click('[data-testid=start]');
    await expect.poll(() => page.textContent('[data-testid=status]'), POLL).toBe('active');
    expect(await page.textContent('#message')).toBe('trading started on BTCUSDT');

    // The engine runs a cycle: the trade appears without a reload, pushed over the WebSocket.
    t.analyzer.script((input) => buySignal(input.market.price));
    await t.engine.runCycle();
    t.analyzer.script({ action: 'hold', confidence: 0 });
    await page.waitForSelector('[data-testid=trade-row]');
    await page.waitForSelector('[data-testid=events] li[data-type="trade:opened"]');
    await page.waitForSelector('[data-testid=close-position]');
    const row = await page.textContent('[data-testid=trade-row]');
    expect(row).toContain('BTCUSDT');
    expect(row).toContain('filled');

    // Take profit: the trade closes, stats and the equity curve follow.
    const api = apiClient(t.baseUrl);
    const token = (await api.login('dana', 'dana-password-123')).body.access_token;
    const [position] = (await api.request('GET', '/trading/positions', { token })).body.positions;
    t.exchange.setPrice('BTCUSDT', new Decimal(position.takeProfit).mul('1.001').toFixed(2));
    await t.engine.monitorPositions();
    await page.waitForSelector('[data-testid=events] li[data-type="trade:closed"]');
    await expect.poll(() => page.textContent('[data-testid=trade-row]'), POLL).toContain('TAKE_PROFIT');
    await expect.poll(() => page.textContent('[data-testid=stat-trades]'), POLL).toBe('1');
    expect(await page.textContent('[data-testid=position]')).toContain('No open position');

    // A second trade, closed from the page.
    await t.clock.advance(60_000);
    t.analyzer.script((input) => buySignal(input.market.price));
    await t.engine.runCycle();
    t.analyzer.script({ action: 'hold', confidence: 0 });
    await page.waitForSelector('[data-testid=close-position]');
    await page.click('[data-testid=close-position]');
    await expect.poll(() => page.textContent('[data-testid=stat-trades]'), POLL).toBe('2');
    await expect.poll(async () => (await page.$$('[data-testid=trade-row]')).length, POLL).toBe(2);
    expect(await page.textContent('[data-testid=trades]')).toContain('MANUAL');

    // Both charts drew on their canvases.
    expect(await page.$$eval('[data-testid=price-chart] canvas', (c) => c.length)).toBeGreaterThan(0);
    expect(await page.$$eval('[data-testid=equity-chart] canvas', (c) => c.length)).toBeGreaterThan(0);

    // Settings round-trip through the page.
    await page.fill('[name=minConfidence]', '72');
    await page.click('[data-testid=save-config]');
    await expect.poll(() => page.textContent('#message'), POLL).toBe('Settings saved.');
    expect((await api.request('GET', '/trading/config', { token })).body.minConfidence).toBe(72);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    // The one wrong password above is the only failed request.
    expect(consoleErrors.filter((text) => !text.includes('401'))).toEqual([]);
  }, 120_000);
});
