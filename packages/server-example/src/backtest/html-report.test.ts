import { createTechnicalAnalyzer } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, scriptForInline } from './html-escape';
import { renderHtmlReport } from './html-report';
import { backtestOneUser } from './one-user-backtest';

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';

describe('escaping for the HTML report', () => {
  it('escapes text, JSON in a script element and inlined scripts so none can end its element', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
    const json = jsonForScript({ note: `${HOSTILE}<!--\u2028` });
    expect(json).not.toMatch(/<|\u2028/);
    expect(JSON.parse(json)).toEqual({ note: `${HOSTILE}<!--\u2028` });
    expect(scriptForInline('a("</script>"); b("</SCRIPT")')).toBe('a("<\\/script>"); b("<\\/SCRIPT")');
  });

  it('renders hostile names and notes from the report as text', async () => {
    const candles = loadReplayCandles('ethusdt-1m-2022-08-15');
    const analyzer = createTechnicalAnalyzer();
    const report = await backtestOneUser({
      candles,
      symbol: 'ETHUSDT',
      startingBalance: '10000',
      analyzer: { ...analyzer, name: HOSTILE, analyze: analyzer.analyze.bind(analyzer) },
      tradingHours: null,
    });
    const trades = report.trades.map((trade) => ({ ...trade, exitNote: HOSTILE }));
    const html = renderHtmlReport({ ...report, trades }, candles, { chartsSource: '/* charts */' });
    // Only the page's own three scripts, no injected element.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<img');
    expect(html).toContain('analyzer &#60;/script&#62;&#60;script&#62;alert(1)');
    expect(html).toContain(`<tbody><tr class="`);
  });
});
