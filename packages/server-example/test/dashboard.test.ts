import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from '@trd/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXIT_NOTES,
  lifecycleFixtures,
  serveSeededReads,
} from '../src/routes/__fixtures__/position-lifecycle';
import { apiClient, openSocket } from './helpers/api-client';
import { buySignal, startTestServer, type TestServer } from './helpers/test-server';

const CHROMIUM = '/usr/bin/chromium';
/** Page updates arrive over the WebSocket and a few fetches: allow for a slow CI machine. */
const POLL = { timeout: 10_000, interval: 100 };
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const VIEWPORT = { width: 1400, height: 1500 };
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** What the dashboard shows for each exit reason. */
const EXIT_LABELS = {
  TAKE_PROFIT: 'Take profit',
  STOP_LOSS: 'Stop loss',
  TIMEOUT: 'Timeout',
  MANUAL: 'Manual',
  EXIT_UNPLACEABLE: 'Exit refused → closed at market',
  EXIT_CANCELLED: 'Exit cancelled at venue',
  STOP_UNFILLED: 'Stop not filled (gap)',
} as const;
/** HH:MM:SS UTC, as the dashboard prints times. */
const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Logs in through the page. */
async function logIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(baseUrl);
  await page.click('.tab[data-tab=login]');
  await page.fill('[data-testid=username]', username);
  await page.fill('[data-testid=password]', password);
  await page.click('[data-testid=auth-submit]');
  await page.waitForSelector('#app:not([hidden])');
}

// Debian's Chromium is installed by scripts/install-chromium.sh (CI runs it before the tests).
describe.skipIf(!existsSync(CHROMIUM))('dashboard in headless Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: VIEWPORT });
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
    expect(await page.textContent('[data-testid=protection]')).toBe('Protected');

    // Take profit: the trade closes, stats and the equity curve follow.
    const api = apiClient(t.baseUrl);
    const token = (await api.login('dana', 'dana-password-123')).body.access_token;
    const [position] = (await api.request('GET', '/trading/positions', { token })).body.positions;
    t.exchange.setPrice('BTCUSDT', new Decimal(position.takeProfit).mul('1.001').toFixed(2));
    await t.engine.monitorPositions();
    await page.waitForSelector('[data-testid=events] li[data-type="trade:closed"]');
    await expect.poll(() => page.textContent('[data-testid=trade-row]'), POLL).toContain('Take profit');
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
    expect(await page.textContent('[data-testid=trades]')).toContain('Manual');

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

  it('lists each decision with signal, confidence, policy, verdict and the trade, live from the analysis events', async () => {
    const api = apiClient(t.baseUrl);
    const ginaPage = await browser.newPage({ viewport: VIEWPORT });
    const ginaErrors: string[] = [];
    ginaPage.on('pageerror', (error) => ginaErrors.push(error.message));
    ginaPage.on('console', (message) => {
      if (message.type() === 'error') ginaErrors.push(message.text());
    });
    const gina = await api.register('gina', 'gina-password-123');
    await api.request('POST', '/trading/start', { token: gina.access_token });
    const rows = () =>
      ginaPage.$$eval('[data-testid=decision-row]', (trs) =>
        trs.map((tr) => ({
          outcome: tr.getAttribute('data-outcome'),
          signal: tr.querySelector('[data-testid=decision-signal]')?.textContent,
          confidence: tr.querySelector('[data-testid=decision-confidence]')?.textContent,
          policy: tr.querySelector('[data-testid=decision-policy]')?.textContent,
          policyTitle: tr.querySelector('[data-testid=decision-policy]')?.getAttribute('title'),
          verdict: tr.querySelector('[data-testid=decision-verdict]')?.textContent,
          trade: tr.querySelector('[data-testid=decision-trade] a')?.getAttribute('href') ?? null,
        })),
      );
    try {
      await logIn(ginaPage, t.baseUrl, 'gina', 'gina-password-123');
      await expect.poll(() => ginaPage.textContent('[data-testid=connection]'), POLL).toBe('live');
      expect(await ginaPage.textContent('[data-testid=decisions]')).toContain('No analysis yet.');

      // A real cycle: the engine buys for gina; the row appears live and links to the trade.
      await t.clock.advance(60_000);
      t.analyzer.script((input) => buySignal(input.market.price), gina.user.id);
      await t.engine.runCycle();
      t.analyzer.script({ action: 'hold', confidence: 0 }, gina.user.id);
      const [position] = (await api.request('GET', '/trading/positions', { token: gina.access_token })).body
        .positions;
      await expect.poll(async () => (await rows())[0]?.outcome, POLL).toBe('approved');
      const [bought] = await rows();
      expect(bought).toMatchObject({ signal: 'buy', confidence: '80', policy: 'in the prompt' });
      expect(bought?.trade).toBe(`#trade-${position.tradeId}`);
      // The link jumps to the trade's row in the history.
      await ginaPage.waitForSelector(`[id="trade-${position.tradeId}"]`);
      await ginaPage.click('[data-testid=decision-trade] a');
      expect(await ginaPage.getAttribute(`[id="trade-${position.tradeId}"]`, 'class')).toContain('highlight');

      // Shared mode, live: the model's 86 cut by the user's losing streak to 71, more required,
      // caution; then the risk manager's refusal settles the row.
      const now = t.clock.now();
      const policy = {
        requiredConfidence: 96,
        confidenceAdjustment: -15,
        caution: true,
        reasons: [
          'losing streak of 2 (trend losing): confidence -15',
          'stop-loss rate 75% > 60%: 10 more points required',
        ],
      };
      const signal = {
        action: 'sell' as const,
        confidence: 71,
        entryPrice: 63_000,
        stopLoss: 63_315,
        takeProfit: 62_811,
      };
      t.engine.emit('analysis', {
        userId: gina.user.id,
        symbol: 'BTCUSDT',
        analyzer: 'gemini:gemini-2.5-flash',
        signal,
        price: 63_000,
        mode: 'shared',
        inputHash: 'abc123',
        policy,
        at: now,
      });
      await expect.poll(async () => (await rows())[0]?.outcome, POLL).toBe('pending');
      t.engine.emit('trade:rejected', {
        userId: gina.user.id,
        symbol: 'BTCUSDT',
        signal,
        violations: [{ code: 'LOW_CONFIDENCE', message: 'confidence 71 is below 96' }],
        at: now + 1,
      } as never);
      await expect.poll(async () => (await rows())[0]?.outcome, POLL).toBe('rejected');
      const [refused] = await rows();
      expect(refused).toMatchObject({
        signal: 'sell',
        confidence: '86 → 71',
        policy: 'needs 96, -15 caution',
        policyTitle: policy.reasons.join('; '),
        trade: null,
      });
      expect(refused?.verdict).toContain('rejected');
      expect(refused?.verdict).toContain('LOW_CONFIDENCE');
      // A hold: its reason is the verdict.
      t.engine.emit('analysis', {
        userId: gina.user.id,
        symbol: 'BTCUSDT',
        analyzer: 'gemini:gemini-2.5-flash',
        signal: { action: 'hold', confidence: 20, reasoning: 'no clear setup' },
        price: 63_000,
        mode: 'shared',
        inputHash: 'def456',
        policy: { requiredConfidence: 60, confidenceAdjustment: 0, caution: false, reasons: [] },
        at: now + 2,
      });
      await expect.poll(async () => (await rows())[0]?.outcome, POLL).toBe('hold');
      expect((await rows())[0]).toMatchObject({ policy: 'needs 60', verdict: 'holdno clear setup' });

      // After a reload the panel comes from GET /trading/analyses: the stored decision, same trade.
      await ginaPage.reload();
      await ginaPage.waitForSelector('#app:not([hidden])');
      await expect.poll(async () => (await rows()).length, POLL).toBe(1);
      expect((await rows())[0]).toMatchObject({
        outcome: 'approved',
        signal: 'buy',
        trade: `#trade-${position.tradeId}`,
      });

      mkdirSync(ARTIFACTS, { recursive: true });
      await ginaPage.screenshot({ path: join(ARTIFACTS, 'dashboard-decisions.png'), fullPage: true });
      expect(ginaErrors).toEqual([]);
    } finally {
      await ginaPage.close();
    }
  }, 60_000);

  it('labels every exit reason, flags an unprotected position, lists dust, and follows protection live', async () => {
    const api = apiClient(t.baseUrl);
    const erinPage = await browser.newPage({ viewport: VIEWPORT });
    const erinErrors: string[] = [];
    erinPage.on('pageerror', (error) => erinErrors.push(error.message));
    erinPage.on('console', (message) => {
      if (message.type() === 'error') erinErrors.push(message.text());
    });
    const erin = await api.register('erin', 'erin-password-123');
    // Another user listening: nothing about erin's position may reach them.
    const frank = await api.register('frank', 'frank-password-123');
    const frankSocket = await openSocket(t.wsUrl, { token: frank.access_token });

    // Seed erin's history: a closed trade per exit reason, an unprotected position, dust.
    const now = t.clock.now();
    const seed = lifecycleFixtures(erin.user.id, now);
    const restore = serveSeededReads(t.store, erin.user.id, seed);
    try {
      await logIn(erinPage, t.baseUrl, 'erin', 'erin-password-123');
      await expect.poll(() => erinPage.textContent('[data-testid=connection]'), POLL).toBe('live');
      await expect.poll(async () => (await erinPage.$$('[data-testid=trade-row]')).length, POLL).toBe(8);

      // Each closed trade: its reason as a label, the engine's note as a second line and tooltip.
      const cells = await erinPage.$$eval('[data-testid=exit-reason][data-reason]', (tds) =>
        tds.map((td) => ({
          reason: td.getAttribute('data-reason'),
          label: td.firstChild?.textContent,
          note: td.querySelector('[data-testid=exit-note]')?.textContent ?? null,
          title: td.getAttribute('title') ?? '',
        })),
      );
      expect(cells).toHaveLength(7);
      for (const [reason, label] of Object.entries(EXIT_LABELS)) {
        const note = EXIT_NOTES[reason as keyof typeof EXIT_NOTES] ?? null;
        expect(cells).toContainEqual({ reason, label, note, title: note ?? '' });
      }

      // The open position: nothing protects it, in the warning colour.
      const since = seed.position.unprotectedSince!;
      const badge = '[data-testid=position] [data-testid=protection]';
      expect(await erinPage.textContent(badge)).toBe(`Unprotected since ${clockTime(since)}`);
      expect(await erinPage.getAttribute(badge, 'data-protection')).toBe('unprotected');
      // The test compiles without the DOM library; in the page, getComputedStyle is there.
      const colour = await erinPage.$eval(
        badge,
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el)
            .color,
      );
      expect(colour).toBe('rgb(240, 185, 11)');

      // The portfolio panel: the dust holding with its cost.
      const dust = await erinPage.$$eval('[data-testid=dust-row]', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(dust).toEqual([['BTC', '0.00000945', '0.5957']]);

      // Live: an exit pair now protects it, then it is refused again; the badge follows.
      const { unprotectedSince: _since, ...position } = seed.position;
      seed.position = { ...position, protection: 'protected', exitRef: 'oco-live-1' };
      t.engine.emit('position:protected', {
        userId: erin.user.id,
        tradeId: position.tradeId,
        exitRef: 'oco-live-1',
        at: now + 1000,
      });
      await expect.poll(() => erinPage.textContent(badge), POLL).toBe('Protected');
      await erinPage.waitForSelector('[data-testid=events] li[data-type="position:protected"]');

      seed.position = { ...position, protection: 'unprotected', unprotectedSince: now + 5000 };
      t.engine.emit('position:unprotected', {
        userId: erin.user.id,
        tradeId: position.tradeId,
        reason: 'the exit pair was cancelled at the venue',
        at: now + 5000,
      });
      await expect
        .poll(() => erinPage.textContent(badge), POLL)
        .toBe(`Unprotected since ${clockTime(now + 5000)}`);
      expect(
        await erinPage.textContent('[data-testid=events] li[data-type="position:unprotected"]'),
      ).toContain('the exit pair was cancelled at the venue');

      // Delivered to erin only.
      expect(JSON.stringify(frankSocket.messages)).not.toContain(position.tradeId);
      expect(frankSocket.messages.map((m: { type: string }) => m.type)).toEqual(['connected']);

      mkdirSync(ARTIFACTS, { recursive: true });
      await erinPage.screenshot({ path: join(ARTIFACTS, 'dashboard-lifecycle.png'), fullPage: true });
      expect(erinErrors).toEqual([]);
    } finally {
      restore();
      await frankSocket.close();
      await erinPage.close();
    }
  }, 60_000);
});
