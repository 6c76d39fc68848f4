import { type OpenPosition, openPositionOf, type Store, type Trade } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAt, createHarness } from './support/engine-harness';

/** A closed trade written straight into the store, as an earlier engine would have left it. */
async function closedTradeAt(store: Store, userId: string, openedAt: number, n: number): Promise<void> {
  const clientOrderId = `seed-${userId}-${n}`;
  const trade: Trade = {
    id: `trade-${clientOrderId}`,
    userId,
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'filled',
    quantity: '0.001',
    entryPrice: '63000',
    entryFee: '0.063',
    takeProfit: '63189',
    stopLoss: '62685',
    confidence: 70,
    clientOrderId,
    openedAt,
  };
  const position: OpenPosition = openPositionOf(trade, { exitRef: `x-${n}` });
  await store.journalIntent({
    clientOrderId,
    userId,
    kind: 'entry',
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.001',
    tradeId: trade.id,
    state: 'pending',
    createdAt: openedAt,
    updatedAt: openedAt,
  });
  await store.recordOpenedTrade({ trade, position, intentClientOrderId: clientOrderId });
  await store.recordClosedTrade({
    tradeId: trade.id,
    exitPrice: '63189',
    exitFee: '0.063',
    exitReason: 'TAKE_PROFIT',
    exitQuantity: '0.001',
    dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0', cost: '0' },
    profitLoss: '0.063',
    profitLossPercent: '0.1',
    closedAt: openedAt + 60_000,
    durationSeconds: 60,
  });
}

describe('daily trade limit (10 per UTC day, from the store)', () => {
  it('opens the 10th trade of the day and rejects the 11th, also on a fresh engine', async () => {
    const h = createHarness({ start: at(9) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    // Yesterday's trades do not count; 9 today do.
    for (let n = 0; n < 3; n++) await closedTradeAt(h.store, 'alice', at(-2, n), n);
    for (let n = 3; n < 12; n++) await closedTradeAt(h.store, 'alice', at(0, n), n);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));

    await h.bot.runCycle();
    const tenth = h.events['trade:opened'][0]!.trade;
    await h.bot.closeTrade('alice', tenth.id);
    expect(await h.store.countTradesSince('alice', at(0))).toBe(10);

    await h.clock.advance(60_000);
    await h.bot.runCycle();
    expect(h.events['trade:rejected']).toMatchObject([
      { userId: 'alice', violations: [{ code: 'DAILY_LIMIT' }] },
    ]);

    const fresh = h.restart();
    await h.clock.advance(60_000);
    await fresh.bot.runCycle();
    expect(fresh.events['trade:rejected']).toMatchObject([
      { userId: 'alice', violations: [{ code: 'DAILY_LIMIT' }] },
    ]);
    expect(fresh.events['trade:opened']).toEqual([]);
    expect(h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdE'))).toHaveLength(1);
  });
});
