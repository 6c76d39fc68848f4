import { createTechnicalAnalyzer, Decimal } from '@trd/core';
import { loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';
import { type BacktestUser, runBacktest } from '../src/index';

const MINUTE = 60_000;
const eth = loadReplayCandles('ethusdt-1m-2022-08-15');
// A second market on the same minutes: the BTC perpetual's morning, moved onto ETH's timestamps.
const btc = loadReplayCandles('btcusd-perp-1m-2022-01-05').map((candle, index) => ({
  ...candle,
  openTime: eth[index]!.openTime,
}));
const markets = { ETHUSDT: eth, BTCUSDT: btc };
const users: BacktestUser[] = [
  { id: 'alice', symbol: 'ETHUSDT', startingBalance: '10000' },
  {
    id: 'bob',
    symbol: 'BTCUSDT',
    startingBalance: '5000',
    config: { takeProfitPercent: 0.6, riskPercent: 2 },
  },
  { id: 'carol', symbol: 'ETHUSDT', startingBalance: '3000', config: { stopLossPercent: 1 } },
];

describe('several users and symbols in one backtest', () => {
  it('trades each user on their own market with their own config, as if each ran alone', async () => {
    const together = await runBacktest({
      markets,
      users,
      analyzer: createTechnicalAnalyzer(),
      tradingHours: null,
    });
    expect(together.reports.map((report) => report.userId)).toEqual(['alice', 'bob', 'carol']);
    for (const [index, user] of users.entries()) {
      const report = together.reports[index]!;
      expect(report.symbol).toBe(user.symbol);
      expect(report.startingBalance).toBe(user.startingBalance);
      for (const trade of report.trades)
        expect(trade).toMatchObject({ userId: user.id, symbol: user.symbol });
      // Accounts are separate: each balance is its own start plus its own P&L.
      expect(report.finalBalance).toBe(
        new Decimal(user.startingBalance).plus(report.netProfitLoss).toFixed(),
      );
      const alone = await runBacktest({
        markets: { [user.symbol]: markets[user.symbol as keyof typeof markets] },
        users: [user],
        analyzer: createTechnicalAnalyzer(),
        tradingHours: null,
      });
      // The same trades; only the venue's order and exit ids, counted across accounts, differ.
      const withoutVenueIds = (trades: typeof report.trades) =>
        trades.map(({ entryOrderId: _order, exitRef: _exit, ...trade }) => trade);
      expect(withoutVenueIds(report.trades)).toEqual(withoutVenueIds(alone.reports[0]!.trades));
    }
    expect(together.reports.every((report) => report.trades.length > 0)).toBe(true);
    // Bob's wider take profit shows in his trades.
    const bobTrade = together.reports[1]!.trades[0]!;
    expect(
      new Decimal(bobTrade.takeProfit)
        .div(bobTrade.entryPrice)
        .minus(1)
        .mul(100)
        .toDecimalPlaces(1)
        .toNumber(),
    ).toBe(0.6);
  });

  it("with equity: 'bar', marks each user's account to market after every bar", async () => {
    const { reports } = await runBacktest({
      markets,
      users: users.slice(0, 1),
      analyzer: createTechnicalAnalyzer(),
      tradingHours: null,
      equity: 'bar',
    });
    const report = reports[0]!;
    expect(report.equityByBar).toHaveLength(report.steps);
    expect(report.equityByBar[0]!.time).toBe(Date.parse(report.period.from) + MINUTE);
    const trade = report.trades[0]!;
    // While the first trade is open, equity = quote balance + base × the bar's close: below the start
    // by about the entry fee at the entry bar itself.
    const atEntry = report.equityByBar.find((point) => point.time === trade.openedAt)!;
    const lost = new Decimal(10_000).minus(atEntry.equity);
    expect(lost.gt(0)).toBe(true);
    expect(lost.lte(new Decimal(trade.entryFee).mul(2))).toBe(true);
    // Flat between the first two trades: equity is the start plus the first trade's net P&L, exactly
    // (the dust left by the exit is worth a little more, at most one step of the base asset).
    const second = report.trades[1]!;
    const between = report.equityByBar.filter(
      (point) => point.time > trade.closedAt! && point.time < second.openedAt,
    );
    expect(between.length).toBeGreaterThan(0);
    const realized = new Decimal(10_000).plus(trade.profitLoss!);
    for (const point of between) {
      expect(
        new Decimal(point.equity).minus(realized).abs().lte(new Decimal('0.0001').mul(trade.exitPrice!)),
      ).toBe(true);
    }
  });

  it('refuses a user on a market without candles and a user given twice', async () => {
    const analyzer = createTechnicalAnalyzer();
    await expect(
      runBacktest({ markets, users: [{ id: 'x', symbol: 'SOLUSDT', startingBalance: '1' }], analyzer }),
    ).rejects.toThrow(/SOLUSDT, which has no candles/);
    await expect(runBacktest({ markets, users: [users[0]!, users[0]!], analyzer })).rejects.toThrow(
      /given twice/,
    );
  });
});
