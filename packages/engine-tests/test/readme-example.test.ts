import {
  createMemoryStore,
  createTechnicalAnalyzer,
  createTradingBot,
  dec,
  defaultTradingConfig,
  type Trade,
  VirtualClock,
} from '@trd/core';
import { createMockExchange, loadReplayCandles } from '@trd/exchange-mock';
import { describe, expect, it } from 'vitest';

/** The root README's "Use the engine in your app" example, run as written. */
describe('the README example', () => {
  it('backtests the offline analyzer on real candles with the live code path', async () => {
    const candles = loadReplayCandles('btcusdt-1m-2024-09-21'); // real 1m bars, 06:00–12:00 UTC
    const firstBar = candles[100]; // the first 100 bars warm the indicators up
    if (!firstBar) throw new Error('the fixture has 360 bars');
    const clock = new VirtualClock(firstBar.openTime);
    const exchange = createMockExchange({ clock, feeds: { BTCUSDT: { kind: 'replay', candles } } });
    const store = createMemoryStore({ clock });
    await store.saveConfig(defaultTradingConfig('alice', { symbol: 'BTCUSDT', isActive: true }));

    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'paper' }),
      analyzer: createTechnicalAnalyzer(),
      store,
      clock,
      settings: { tradingHours: null }, // around the clock; the reference bot trades 08:00–16:00 UTC
    });
    const closed: Trade[] = [];
    bot.on('trade:closed', ({ trade }) => closed.push(trade));

    for (let minute = 100; minute < candles.length - 1; minute++) {
      await bot.runCycle();
      await bot.monitorPositions();
      await clock.advance(60_000);
    }
    const portfolio = await store.getPortfolio('alice');

    expect(closed.length).toBeGreaterThan(0);
    expect(portfolio.totalTrades).toBe(closed.length);
    const sum = closed.reduce((total, trade) => total.plus(trade.profitLoss!), dec(0));
    expect(dec(portfolio.totalRealizedPnl).eq(sum)).toBe(true);
    for (const trade of closed) {
      expect(['TAKE_PROFIT', 'STOP_LOSS', 'TIMEOUT']).toContain(trade.exitReason);
      expect(trade.quantity).toMatch(/^\d+(\.\d{1,5})?$/); // BTCUSDT step 0.00001: no float artefacts
    }
  });
});
