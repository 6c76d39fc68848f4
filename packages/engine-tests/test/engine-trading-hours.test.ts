import type { MarketData } from '@trd/core';
import { recordCalls } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAtMarket, createHarness } from './support/engine-harness';

describe('trading hours (08:00–16:00 UTC)', () => {
  it('analyses nothing at 07:59 or 16:00 and trades from 08:00', async () => {
    let recorder: ReturnType<typeof recordCalls<MarketData>> | undefined;
    const h = createHarness({
      start: at(7, 59),
      wrapMarketData: (marketData) => {
        recorder = recordCalls(marketData);
        return recorder.port;
      },
    });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.analyzer.script(buyAtMarket);

    const early = await h.bot.runCycle();
    expect(early).toMatchObject({ tradingHours: false, analysed: 0, usersSeen: 1 });
    await h.clock.advanceTo(at(7, 59, 59) + 999);
    expect((await h.bot.runCycle()).tradingHours).toBe(false);
    expect(h.analyzer.inputs).toHaveLength(0);
    expect(recorder!.count('candles')).toBe(0);

    await h.clock.advanceTo(at(8, 0));
    const open = await h.bot.runCycle();
    expect(open).toMatchObject({ tradingHours: true, analysed: 1, opened: 1 });
    expect(h.events['cycle:start'].map((e) => e.tradingHours)).toEqual([false, false, true]);

    await h.clock.advanceTo(at(16, 0));
    await activateUsers(h.store, [{ userId: 'bob' }]);
    const late = await h.bot.runCycle();
    expect(late).toMatchObject({ tradingHours: false, analysed: 0 });
    expect(h.analyzer.inputs.map((input) => input.userId)).toEqual(['alice']);
  });

  it('keeps monitoring after 16:00: a take profit closes the position', async () => {
    const h = createHarness({ start: at(15, 59) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.analyzer.script(buyAtMarket);
    await h.bot.start();
    await h.clock.advance(0); // the first cycle is scheduled at once on the clock
    const opened = h.events['trade:opened'][0]!.trade;
    expect(opened.openedAt).toBe(at(15, 59));

    await h.clock.advanceTo(at(16, 5, 30));
    h.exchange.setPrice('BTCUSDT', opened.takeProfit);
    await h.clock.advanceTo(at(16, 6));
    await h.bot.stop();

    expect(h.events['trade:closed']).toHaveLength(1);
    expect(h.events['trade:closed'][0]).toMatchObject({
      userId: 'alice',
      trade: { exitReason: 'TAKE_PROFIT', exitPrice: opened.takeProfit },
    });
    expect(h.events['trade:closed'][0]!.at).toBe(at(16, 6));
    expect(h.events.analysis.every((e) => e.at < at(16))).toBe(true);
    expect(h.events.error).toEqual([]);
  });

  it('keeps monitoring after 16:00: a stale position is closed at market after 30 minutes', async () => {
    const h = createHarness({ start: at(15, 59) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.analyzer.script(buyAtMarket);
    await h.bot.start();
    // Bars from 16:00 to 16:32 stay between 63 096 and 63 232: neither leg of an entry near 63 168 fills.
    await h.clock.advanceTo(at(16, 45));
    await h.bot.stop();

    expect(h.events['position:timeout']).toEqual([
      { userId: 'alice', tradeId: expect.any(String), openedAt: at(15, 59), at: at(16, 30) },
    ]);
    expect(h.events['trade:closed'][0]!.trade).toMatchObject({
      exitReason: 'TIMEOUT',
      durationSeconds: 31 * 60,
    });
    expect(h.events['trade:opened']).toHaveLength(1);
    expect(await h.store.openPositions()).toEqual([]);
  });
});
