import { createTechnicalAnalyzer, Decimal, type Trade } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { runBacktest } from './run-backtest';

// Real ETHUSDT 1m bars of 2022-08-15, 06:00–12:00 UTC (a falling market): the technical analyzer
// buys a few times there, and its trades close by take profit and by stop loss.
const candles = loadReplayCandles('ethusdt-1m-2022-08-15');
const MINUTE = 60_000;

async function backtestAlice(options: { to?: number }) {
  const { reports } = await runBacktest({
    markets: { ETHUSDT: candles },
    users: [{ id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' }],
    analyzer: createTechnicalAnalyzer(),
    ...options,
  });
  return reports[0]!;
}

const sum = (values: string[]) => values.reduce((total, value) => total.plus(value), new Decimal(0));

describe('runBacktest on real candles', () => {
  it('trades through the engine; the trades add up to the store portfolio and to the report', async () => {
    const { reports, store } = await runBacktest({
      markets: { ETHUSDT: candles },
      users: [{ id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' }],
      analyzer: createTechnicalAnalyzer(),
      tradingHours: null,
    });
    const report = reports[0]!;
    const userId = report.userId;

    // The default period starts after a full 100-bar window and ends on the last bar.
    expect(report.period).toEqual({
      from: new Date(candles[99]!.openTime).toISOString(),
      to: new Date(candles.at(-1)!.openTime).toISOString(),
    });
    expect(report.bars).toBe(candles.length - 99);
    expect(report.steps).toBe(report.bars);

    const trades = report.trades;
    expect(trades.length).toBeGreaterThanOrEqual(3);
    expect(report.totalTrades).toBe(trades.length);
    expect(report.exitsByReason.TAKE_PROFIT).toBeGreaterThan(0);
    expect(report.exitsByReason.STOP_LOSS).toBeGreaterThan(0);
    expect(report.signals.buy).toBeGreaterThanOrEqual(trades.length);
    expect(report.errors).toEqual([]);
    for (const trade of trades) expect(trade).toMatchObject({ userId, symbol: 'ETHUSDT', status: 'closed' });

    // The store's portfolio is updated trade by trade as they close; it must agree exactly.
    const portfolio = await store.getPortfolio(userId);
    const pnl = sum(trades.map((trade) => trade.profitLoss!));
    expect(pnl.toFixed()).toBe(portfolio.totalRealizedPnl);
    expect(report.netProfitLoss).toBe(portfolio.totalRealizedPnl);
    expect(report.fees).toBe(portfolio.totalFees);
    expect(portfolio.totalTrades).toBe(report.totalTrades);
    expect(portfolio.winningTrades).toBe(report.wins);
    expect(portfolio.losingTrades).toBe(report.losses);
    expect(report.finalEquity).toBe(pnl.plus(10_000).toFixed());
    // The final balance is the venue's, and the realized P&L adds up to it to the last unit.
    expect(report.finalBalance).toBe(report.finalEquity);
    expect(report.dust).toEqual(portfolio.dust);
    expect(await store.openPositions(userId)).toEqual([]);

    // One position at a time, each trade opened on a bar of the period.
    const byOpening = [...trades].sort((a, b) => a.openedAt - b.openedAt);
    for (let i = 1; i < byOpening.length; i++) {
      expect(byOpening[i]!.openedAt).toBeGreaterThanOrEqual(byOpening[i - 1]!.closedAt!);
    }
    for (const trade of trades) {
      // Each step runs at a bar's close: the first one at the close of the 100th bar.
      expect(trade.openedAt).toBeGreaterThanOrEqual(candles[99]!.openTime + MINUTE);
      expect(trade.openedAt % MINUTE).toBe(0);
    }
  });

  it('opens trades only in trading hours, and closes what is still open after the last bar (MANUAL)', async () => {
    const first = await backtestAlice({});
    const opened = first.trades.map((trade: Trade) => new Date(trade.openedAt).getUTCHours());
    expect(opened.length).toBeGreaterThan(0);
    for (const hour of opened) expect(hour >= 8 && hour < 16).toBe(true);

    // Stop two minutes into a trade that lasted longer: its position is closed at market at the end.
    const entry = first.trades.find((trade) => trade.closedAt! - trade.openedAt > 2 * MINUTE)!;
    expect(entry).toBeDefined();
    const earlier = first.trades.filter((trade) => trade.openedAt < entry.openedAt).length;
    // The step of the bar opening at `to` runs at its close, a minute later.
    const to = entry.openedAt + MINUTE;
    const { reports, store } = await runBacktest({
      markets: { ETHUSDT: candles },
      users: [{ id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' }],
      to,
      analyzer: createTechnicalAnalyzer(),
    });
    const report = reports[0]!;
    const userId = report.userId;
    expect(report.closedAtEnd).toBe(1);
    expect(report.trades).toHaveLength(earlier + 1);
    expect(report.trades.slice(0, earlier)).toEqual(first.trades.slice(0, earlier));
    expect(report.trades.at(-1)).toMatchObject({
      openedAt: entry.openedAt,
      entryPrice: entry.entryPrice,
      exitReason: 'MANUAL',
      closedAt: to + MINUTE,
    });
    expect(report.exitsByReason.MANUAL).toBe(1);
    expect(report.netProfitLoss).toBe((await store.getPortfolio(userId)).totalRealizedPnl);
    expect(await store.openPositions(userId)).toEqual([]);
  });
});
