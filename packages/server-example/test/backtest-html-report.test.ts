import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BacktestReport } from '@trd/backtest';
import { createTechnicalAnalyzer } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../src/backtest/html-report';
import { backtestOneUser } from '../src/backtest/one-user-backtest';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

// Real ETHUSDT bars of 2022-08-15: the technical analyzer trades there (see run-backtest.test.ts).
const candles = loadReplayCandles('ethusdt-1m-2022-08-15');

// Debian's Chromium is installed by scripts/install-chromium.sh (CI runs it before the tests).
describe.skipIf(!existsSync(CHROMIUM))('the backtest HTML report in headless Chromium', () => {
  let browser: Browser;
  let report: BacktestReport;
  let file: string;

  beforeAll(async () => {
    report = await backtestOneUser({
      candles,
      symbol: 'ETHUSDT',
      startingBalance: '10000',
      analyzer: createTechnicalAnalyzer(),
      tradingHours: null,
    });
    file = join(mkdtempSync(join(tmpdir(), 'trd-html-report-')), 'report.html');
    writeFileSync(file, renderHtmlReport(report, candles));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('opens from the file with no request and no error, and draws every chart with its data', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1800 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('request', (request) => {
      if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => 'trdReport' in globalThis);

    const drawn = await page.evaluate(() => {
      const charts = (
        globalThis as unknown as {
          trdReport: Record<string, { data?: () => unknown[]; markers?: () => unknown[] }>;
        }
      ).trdReport;
      return {
        candles: charts.price!.data!().length,
        markers: charts.markers!.markers!().length,
        equity: charts.equity!.data!().length,
        drawdown: charts.drawdown!.data!().length,
        lastEquity: (charts.equity!.data!().at(-1) as { value: number }).value,
        deepest: Math.min(...charts.drawdown!.data!().map((point) => (point as { value: number }).value)),
        canvases: (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('#price-chart canvas, #equity-chart canvas, #drawdown-chart canvas')
          .length,
      };
    });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(report.trades.length).toBeGreaterThanOrEqual(3);
    expect(drawn.candles).toBe(report.bars);
    // An entry and an exit for every trade.
    expect(drawn.markers).toBe(2 * report.trades.length);
    // Both curves at every bar, on the price chart's time axis, ending where the run ended.
    expect(drawn.equity).toBe(report.bars);
    expect(drawn.drawdown).toBe(report.bars);
    expect(drawn.lastEquity).toBe(Number(report.finalEquity));
    expect(drawn.deepest).toBe(-Number(report.maxDrawdown));
    expect(drawn.canvases).toBeGreaterThanOrEqual(3);

    // The trade table has every trade, in opening order, with its exit reason and P&L.
    const rows = await page.$$eval('#trades tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows).toHaveLength(report.trades.length);
    report.trades.forEach((trade, i) => {
      expect(rows[i]).toContain(trade.exitReason);
      expect(rows[i]).toContain(trade.profitLoss);
      expect(rows[i]).toContain(trade.entryPrice);
    });
    const metrics = await page.textContent('#metrics');
    expect(metrics).toContain(`${report.netProfitLoss} USDT`);
    expect(metrics).toContain('87.53% of trades must win');
    expect(metrics).toContain('Fee-aware risk rule');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'backtest-html-report.png'), fullPage: true });
    await page.close();
  });
});
