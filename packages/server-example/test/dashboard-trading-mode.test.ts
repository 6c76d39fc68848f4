import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinanceServer, keysOf, signUp, startBinanceServer } from './helpers/binance-server';

// Issue 18: the dashboard shows each user's trading mode, and going live asks for confirmation.
const CHROMIUM = '/usr/bin/chromium';
const POLL = { timeout: 10_000, interval: 100 };
const ALICE = keysOf('alice');

describe.skipIf(!existsSync(CHROMIUM))('dashboard: paper or live', () => {
  let t: BinanceServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startBinanceServer({ accounts: [{ ...ALICE, balances: { USDT: '1000' } }] });
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
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close({ everything: true });
  });

  it('shows paper, goes live only once confirmed, and back to paper', async () => {
    const alice = await signUp(t, 'alice', ALICE, { live: false });
    await page.goto(t.baseUrl);
    await page.click('.tab[data-tab=login]');
    await page.fill('[data-testid=username]', 'alice');
    await page.fill('[data-testid=password]', 'correct-horse-battery');
    await page.click('[data-testid=auth-submit]');
    await page.waitForSelector('#app:not([hidden])');
    await expect.poll(() => page.textContent('[data-testid=mode]'), POLL).toBe('paper');
    expect(await page.textContent('[data-testid=mode-switch]')).toBe('Go live…');

    // Dismissed: nothing changes.
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.click('[data-testid=mode-switch]');
    expect(await t.runtime.store.users.getTradingMode(alice.id)).toBe('paper');

    // Accepted: live on her own account, the dialog having said so.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      return dialog.accept();
    });
    await page.click('[data-testid=mode-switch]');
    await expect.poll(() => page.textContent('[data-testid=mode]'), POLL).toBe('live (binance-testnet)');
    expect(asked).toMatch(/own binance-testnet account.*real funds/);
    expect(await t.runtime.store.users.getTradingMode(alice.id)).toBe('live');

    await page.click('[data-testid=mode-switch]');
    await expect.poll(() => page.textContent('[data-testid=mode]'), POLL).toBe('paper');
    expect(pageErrors).toEqual([]);
  });
});
