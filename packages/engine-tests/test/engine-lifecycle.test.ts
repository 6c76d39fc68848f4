import { dec, NotFoundError, type Trade } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAt, buyAtMarket, createHarness } from './support/engine-harness';

/**
 * The whole trade flow on the mock venue replaying real BTCUSDT candles of 2024-09-21 (price
 * ~63 000). Each user starts with 10 000 USDT; the venue charges 0.1% (in BTC on a buy, in USDT
 * on a sell). Hand-computed for an entry at 63 000:
 *   size: 1% of 10 000 = 100 USDT risk / 315 (0.5% stop) = 0.317 BTC, capped at 10% = 1 000 USDT
 *         → 0.0158730… floored to the 0.00001 step = 0.01587 BTC (999.81 USDT)
 *   entry fee: 0.00001587 BTC × 63 000 = 0.99981 USDT; exit quantity 0.01585413 → 0.01585 BTC
 *   take profit 63 000 × 1.003 = 63 189; stop loss 63 000 × 0.995 = 62 685
 *   P&L is cash: exit proceeds − 999.81 paid, so the 0.00000413 BTC of dust the exit leaves
 *   (0.26019 USDT at 63 000) is charged to the trade and the books match the venue to the unit.
 */
describe('trading lifecycle on real candles', () => {
  it('opens with an OCO exit and closes by take profit, stop loss, manual close and timeout, net of fees', async () => {
    const h = createHarness({ start: at(9, 0, 30) });
    await activateUsers(h.store, [
      { userId: 'tp' },
      { userId: 'sl' },
      { userId: 'manual' },
      { userId: 'timeout' },
    ]);
    const { bot, clock, exchange, analyzer, events } = h;

    // Take profit.
    exchange.setPrice('BTCUSDT', 63000);
    analyzer.script(buyAt(63000), 'tp');
    const first = await bot.runCycle();
    expect(first).toMatchObject({ analysed: 4, opened: 1, errors: 0 });
    const opened = events['trade:opened'][0]!;
    expect(opened.trade).toMatchObject({
      userId: 'tp',
      side: 'buy',
      status: 'filled',
      quantity: '0.01587',
      entryPrice: '63000',
      entryFee: '0.99981',
      takeProfit: '63189',
      stopLoss: '62685',
      confidence: 75,
    });
    expect(opened.position).toMatchObject({ quantity: '0.01585', takeProfit: '63189', stopLoss: '62685' });
    expect(exchange.exits('tp')).toHaveLength(1);
    await clock.advance(10_000);
    exchange.setPrice('BTCUSDT', 63189);
    await bot.monitorPositions();
    expect(closedTrade(events, 'tp')).toMatchObject({
      exitReason: 'TAKE_PROFIT',
      exitPrice: '63189',
      exitFee: '1.00154565',
      profitLoss: '0.73410435',
      profitLossPercent: '0.073424',
      durationSeconds: 10,
    });

    // Stop loss. Every user was analysed at 09:00:30: the 30 s cooldown holds them until 09:01:00.
    analyzer.script({ action: 'hold', confidence: 0 }, 'tp');
    analyzer.script(buyAt(63000), 'sl');
    await clock.advanceTo(at(9, 0, 50));
    expect(await bot.runCycle()).toMatchObject({ analysed: 0, skipped: { cooldown: 4 } });
    await clock.advanceTo(at(9, 1));
    exchange.setPrice('BTCUSDT', 63000);
    await bot.runCycle();
    exchange.setPrice('BTCUSDT', 62685);
    await bot.monitorPositions();
    expect(closedTrade(events, 'sl')).toMatchObject({
      exitReason: 'STOP_LOSS',
      exitPrice: '62685',
      exitFee: '0.99355725',
      profitLoss: '-7.24630725',
      profitLossPercent: '-0.724768',
    });

    // Manual close at market.
    analyzer.script({ action: 'hold', confidence: 0 }, 'sl');
    analyzer.script(buyAt(63000), 'manual');
    await clock.advanceTo(at(9, 1, 30));
    exchange.setPrice('BTCUSDT', 63000);
    await bot.runCycle();
    const manualTrade = events['trade:opened'].find((e) => e.userId === 'manual')!.trade;
    // The analyzer sees each user's own history from the store: one stop-loss for 'sl'.
    const slInput = analyzer.inputs.filter((input) => input.userId === 'sl').at(-1)!;
    expect(slInput.history).toMatchObject({ tradeCount: 1, winRate: 0, stopLossHitRate: 100 });
    await expect(bot.closeTrade('tp', manualTrade.id)).rejects.toBeInstanceOf(NotFoundError);
    exchange.setPrice('BTCUSDT', 63100);
    const manual = await bot.closeTrade('manual', manualTrade.id);
    expect(manual).toMatchObject({
      status: 'closed',
      exitReason: 'MANUAL',
      exitPrice: '63100',
      exitFee: '1.000135',
      profitLoss: '-0.675135',
      profitLossPercent: '-0.067526',
    });
    expect(exchange.exits('manual')[0]?.state).toBe('cancelled');
    await expect(bot.closeTrade('manual', manualTrade.id)).rejects.toBeInstanceOf(NotFoundError);

    // Timeout: the real bars from 09:03 to 09:33 stay between 63 003.84 and 63 136, inside both legs.
    analyzer.script({ action: 'hold', confidence: 0 }, 'manual');
    analyzer.script(buyAt(63000), 'timeout');
    await clock.advanceTo(at(9, 2));
    exchange.setPrice('BTCUSDT', 63000);
    await bot.runCycle();
    for (let minute = 3; minute <= 32; minute++) {
      await clock.advanceTo(at(9, minute));
      await bot.monitorPositions();
    }
    // At 09:32 the position is exactly 30 minutes old: not yet "longer than" the timeout.
    expect(events['position:timeout']).toHaveLength(0);
    expect(await h.store.openPositions('timeout')).toHaveLength(1);
    await clock.advanceTo(at(9, 33));
    await bot.monitorPositions();
    expect(events['position:timeout']).toEqual([
      { userId: 'timeout', tradeId: expect.any(String), openedAt: at(9, 2), at: at(9, 33) },
    ]);
    // Closed at market: the 09:33 bar's close, 63 135.99.
    expect(closedTrade(events, 'timeout')).toMatchObject({
      exitReason: 'TIMEOUT',
      exitPrice: '63135.99',
      exitFee: '1.0007054415',
      profitLoss: '-0.1052639415',
      profitLossPercent: '-0.010528',
      durationSeconds: 31 * 60,
    });
    expect(exchange.exits('timeout')[0]?.state).toBe('cancelled');

    expect(events.error).toEqual([]);
    expect(await h.store.openPositions()).toEqual([]);
    const portfolio = await h.store.getPortfolio('sl');
    expect(portfolio).toMatchObject({ totalTrades: 1, losingTrades: 1, totalRealizedPnl: '-7.24630725' });
    // The venue's books agree: USDT went from 10 000 to 10 000 − 999.81 + (sold value − exit fee).
    expect(exchange.balances('tp').USDT?.free).toBe(
      dec('10000').minus('999.81').plus('1001.54565').minus('1.00154565').toFixed(),
    );
    for (const userId of ['tp', 'sl', 'manual', 'timeout']) {
      const books = await h.store.getPortfolio(userId);
      expect(dec('10000').plus(books.totalRealizedPnl).toFixed()).toBe(exchange.balances(userId).USDT?.free);
      // The dust is a holding with its cost, and it is what the venue holds.
      expect(books.dust).toEqual([
        { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.00000413', cost: expect.any(String) },
      ]);
      expect(exchange.balances(userId).BTC?.free).toBe('0.00000413');
    }
  });

  it('shorts with inventory on a spot account: sell entry, buy-back exit, P&L net of fees', async () => {
    const h = createHarness({ start: at(9, 0, 30) });
    await activateUsers(h.store, [{ userId: 'short' }, { userId: 'no-btc' }]);
    h.exchange.deposit('short', 'BTC', '0.1');
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script({
      action: 'sell',
      confidence: 80,
      entryPrice: 63000,
      stopLoss: 63315,
      takeProfit: 62811,
    });
    await h.bot.runCycle();
    expect(h.events['trade:rejected']).toMatchObject([
      { userId: 'no-btc', violations: [{ code: 'NO_INVENTORY' }] },
    ]);
    // Same size as a long (10% cap); the sell's fee is in USDT: 999.81 × 0.1% = 0.99981.
    expect(h.events['trade:opened'][0]).toMatchObject({
      userId: 'short',
      trade: {
        side: 'sell',
        quantity: '0.01587',
        entryFee: '0.99981',
        takeProfit: '62811',
        stopLoss: '63315',
      },
      position: { quantity: '0.01587' },
    });
    expect(h.exchange.exits('short')).toMatchObject([{ state: 'open' }]);
    await h.clock.advance(20_000);
    h.exchange.setPrice('BTCUSDT', 62811);
    await h.bot.monitorPositions();
    // (63 000 − 62 811) × 0.01587 = 2.99943; buy-back fee 0.00001587 BTC × 62 811 = 0.99681057.
    expect(h.events['trade:closed'][0]?.trade).toMatchObject({
      exitReason: 'TAKE_PROFIT',
      exitPrice: '62811',
      exitFee: '0.99681057',
      profitLoss: '1.00280943',
      profitLossPercent: '0.1003',
      durationSeconds: 20,
    });
  });

  it('trades a whole day of real candles: limits, trading hours and consistent books', async () => {
    const h = createHarness({ start: at(7, 30) });
    await activateUsers(h.store, [{ userId: 'alice' }, { userId: 'bob', symbol: 'ETHUSDT' }]);
    h.analyzer.script(buyAtMarket);
    await h.bot.start();
    await h.clock.advanceTo(at(17, 0));
    await h.bot.stop();
    const { events } = h;

    expect(events.error).toEqual([]);
    const analysedHours = events.analysis.map((e) => new Date(e.at).getUTCHours());
    expect(Math.min(...analysedHours)).toBe(8);
    expect(Math.max(...analysedHours)).toBe(15);
    for (const userId of ['alice', 'bob']) {
      const { trades } = await h.store.listTrades(userId, { limit: 100, offset: 0 });
      // The daily limit of 10 holds; the 11th signal is refused with DAILY_LIMIT.
      expect(trades).toHaveLength(10);
      expect(
        events['trade:rejected'].some(
          (e) => e.userId === userId && e.violations.some((v) => v.code === 'DAILY_LIMIT'),
        ),
      ).toBe(true);
      expect(trades.every((t) => t.status === 'closed')).toBe(true);
      // One position at a time: each trade opened after the previous one closed.
      const ascending = [...trades].reverse();
      for (let i = 1; i < ascending.length; i++)
        expect(ascending[i]!.openedAt).toBeGreaterThanOrEqual(ascending[i - 1]!.closedAt!);
      const venueOrders = h.exchange.orders(userId);
      for (const trade of trades) expectPnlMatchesFills(trade, venueOrders);
      const portfolio = await h.store.getPortfolio(userId);
      const total = trades.reduce((sum, t) => sum.plus(t.profitLoss!), dec(0));
      expect(portfolio.totalRealizedPnl).toBe(total.toFixed());
      expect(portfolio.totalTrades).toBe(10);
      // The ledger is the venue's: 10 000 + Σ P&L is the USDT the venue holds, to the last unit,
      // and the dust the portfolio shows is all the base asset left.
      const balances = h.exchange.balances(userId);
      expect(dec(10_000).plus(total).toFixed()).toBe(balances.USDT?.free);
      const base = userId === 'alice' ? 'BTC' : 'ETH';
      expect(portfolio.dust.map((d) => d.quantity)).toEqual(balances[base] ? [balances[base]!.free] : []);
    }
    const reasons = new Set(
      (await h.store.listTrades('alice', { limit: 100, offset: 0 })).trades.map((t) => t.exitReason),
    );
    expect(reasons.has('TIMEOUT')).toBe(true);
    // Exactly one entry order per trade at the venue: nothing was sent twice.
    const entries = h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdE'));
    expect(entries).toHaveLength(10);
  });
});

function closedTrade(
  events: { 'trade:closed': { userId: string; trade: Trade }[] },
  userId: string,
): Trade | undefined {
  return events['trade:closed'].find((e) => e.userId === userId)?.trade;
}

/**
 * Recomputes a closed long's P&L as cash from the venue's own entry order: what the exit sold at
 * its price less the venue's 0.1% fee, minus what the entry paid.
 */
function expectPnlMatchesFills(
  trade: Trade,
  venueOrders: readonly { clientOrderId: string; quoteQuantity: string }[],
): void {
  const entry = venueOrders.find((order) => order.clientOrderId === trade.clientOrderId)!;
  const proceeds = dec(trade.exitQuantity!).mul(trade.exitPrice!).mul('0.999');
  expect(trade.profitLoss).toBe(proceeds.minus(entry.quoteQuantity).toFixed());
  expect(trade.durationSeconds).toBe(Math.floor((trade.closedAt! - trade.openedAt) / 1000));
}
