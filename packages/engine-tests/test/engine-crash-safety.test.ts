import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAt, createHarness } from './support/engine-harness';

const entryOrders = (orders: { clientOrderId: string }[]) =>
  orders.filter((o) => o.clientOrderId.startsWith('trdE'));

describe('crash safety: journal first, look up, never send twice', () => {
  it('recovers an entry whose response was lost on a new engine without a second order', async () => {
    // New orders stay invisible to lookups for 30 s, as Binance's sometimes do.
    const h = createHarness({ start: at(10), orderVisibilityDelayMs: 30_000 });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    h.exchange.faults.inject({ kind: 'response_lost', operation: 'placeMarketOrder', account: 'alice' });

    const report = await h.bot.runCycle();
    expect(report.opened).toBe(0);
    expect(h.events.error).toMatchObject([{ stage: 'entry', userId: 'alice' }]);
    const [intent] = await h.store.unfinishedIntents('alice');
    expect(intent).toMatchObject({ state: 'pending', kind: 'entry', quantity: '0.01587' });
    // The venue did fill it: the position exists there, not yet in the store.
    expect(entryOrders(h.exchange.orders('alice'))).toMatchObject([
      { clientOrderId: intent!.clientOrderId, status: 'filled' },
    ]);

    // The old engine does not trade this user again while the intent is unresolved.
    await h.clock.advance(60_000);
    expect(await h.bot.runCycle()).toMatchObject({ analysed: 0, skipped: { busy: 1 } });

    // "Crash": a new engine on the same store. Within the grace period, still unknown.
    const restarted = h.restart();
    await restarted.bot.reconcile();
    expect(restarted.events.reconciled).toMatchObject([
      { clientOrderId: intent!.clientOrderId, outcome: 'recorded' },
    ]);
    const [trade] = (await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    expect(trade).toMatchObject({
      status: 'filled',
      quantity: '0.01587',
      entryPrice: '63000',
      openedAt: at(10),
    });
    expect(await h.store.openPositions('alice')).toHaveLength(1);
    expect((await h.store.getIntent(intent!.clientOrderId))?.state).toBe('open');
    expect(entryOrders(h.exchange.orders('alice'))).toHaveLength(1);
    expect(h.exchange.exits('alice')).toHaveLength(1);
  });

  it('waits out the grace period while the order is invisible, then records it', async () => {
    const h = createHarness({ start: at(10), orderVisibilityDelayMs: 30_000 });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    h.exchange.faults.inject({ kind: 'response_lost', operation: 'placeMarketOrder', account: 'alice' });
    await h.bot.runCycle();

    const restarted = h.restart();
    await h.clock.advance(10_000);
    await restarted.bot.reconcile();
    expect(restarted.events.reconciled.map((e) => e.outcome)).toEqual(['still_unknown']);
    await h.clock.advance(25_000);
    await restarted.bot.reconcile();
    expect(restarted.events.reconciled.map((e) => e.outcome)).toEqual(['still_unknown', 'recorded']);
    expect(entryOrders(h.exchange.orders('alice'))).toHaveLength(1);
  });

  it('marks an intent failed when the venue never knew the order, after the grace period', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.analyzer.script(buyAt(63000));
    h.exchange.setPrice('BTCUSDT', 63000);
    // The request never reached the venue: nothing happened there.
    h.exchange.faults.inject({ kind: 'timeout', operation: 'placeMarketOrder', account: 'alice' });
    await h.bot.runCycle();
    const [intent] = await h.store.unfinishedIntents('alice');
    expect(intent?.state).toBe('pending');

    const restarted = h.restart();
    await h.clock.advance(59_000);
    await restarted.bot.reconcile();
    await h.clock.advance(1_000);
    await restarted.bot.reconcile();
    expect(restarted.events.reconciled.map((e) => e.outcome)).toEqual(['still_unknown', 'failed']);
    expect(await h.store.getIntent(intent!.clientOrderId)).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('not found'),
    });
    expect((await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades).toMatchObject([
      { status: 'failed' },
    ]);
    expect(await h.store.countTradesSince('alice', at(0))).toBe(0);
    expect(h.exchange.orders('alice')).toEqual([]);

    // The user trades again with a new client order id.
    await restarted.bot.runCycle();
    expect(restarted.events['trade:opened']).toHaveLength(1);
    expect(entryOrders(h.exchange.orders('alice'))).toHaveLength(1);
  });

  it('finds an exit placed before a crash instead of placing a second one', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    h.exchange.faults.inject({ kind: 'response_lost', operation: 'placeExit', account: 'alice' });

    await h.bot.runCycle();
    // The fill is recorded at once, unprotected: the position exists whatever happens next.
    expect(h.events.error).toMatchObject([
      { stage: 'monitor', error: { message: expect.stringContaining('unprotected') } },
    ]);
    expect(await h.store.unfinishedIntents('alice')).toEqual([]);
    expect(await h.store.openPositions('alice')).toMatchObject([{ protection: 'unprotected' }]);

    const restarted = h.restart();
    await restarted.bot.reconcile();
    // The exit the lost response placed is found by its client id, not placed again.
    const [position] = await h.store.openPositions('alice');
    expect(position).toMatchObject({
      protection: 'protected',
      exitRef: h.exchange.exits('alice')[0]?.exitRef,
    });
    expect(restarted.events['position:protected']).toHaveLength(1);
    expect(h.exchange.exits('alice')).toHaveLength(1);
    expect(entryOrders(h.exchange.orders('alice'))).toHaveLength(1);
  });

  it('places a missing exit on the next monitor pass when placing it failed', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    h.exchange.faults.inject({ kind: 'network', operation: 'placeExit', account: 'alice' });
    await h.bot.runCycle();
    expect(h.exchange.exits('alice')).toHaveLength(0);

    await h.bot.monitorPositions();
    expect(h.exchange.exits('alice')).toHaveLength(1);
    expect(h.events['trade:opened']).toHaveLength(1);
    expect(entryOrders(h.exchange.orders('alice'))).toHaveLength(1);
  });

  it('recovers a close order whose response was lost', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    await h.bot.runCycle();
    const trade = h.events['trade:opened'][0]!.trade;

    h.exchange.setPrice('BTCUSDT', 63100);
    h.exchange.faults.inject({ kind: 'response_lost', operation: 'placeMarketOrder', account: 'alice' });
    h.exchange.faults.inject({ kind: 'network', operation: 'findOrder', account: 'alice' });
    await expect(h.bot.closeTrade('alice', trade.id)).rejects.toMatchObject({ code: 'ORDER_STATUS_UNKNOWN' });
    expect((await h.store.getTrade('alice', trade.id))?.status).toBe('filled');

    const restarted = h.restart();
    await restarted.bot.reconcile();
    expect(restarted.events.reconciled).toMatchObject([{ outcome: 'closed' }]);
    expect(await h.store.getTrade('alice', trade.id)).toMatchObject({
      status: 'closed',
      exitReason: 'MANUAL',
      exitPrice: '63100',
    });
    const closes = h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdC1'));
    expect(closes).toHaveLength(1);
    expect(await h.store.openPositions('alice')).toEqual([]);
  });
});
