import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAt, createHarness } from './support/engine-harness';

async function openAt63000() {
  const h = createHarness({ start: at(10) });
  await activateUsers(h.store, [{ userId: 'alice' }]);
  h.exchange.setPrice('BTCUSDT', 63000);
  h.analyzer.script(buyAt(63000));
  await h.bot.runCycle();
  h.analyzer.script({ action: 'hold', confidence: 0 });
  const opened = h.events['trade:opened'][0]!.trade;
  const trade = (await h.store.getTrade('alice', opened.id))!;
  return { h, trade };
}

describe('closing when the venue does not cooperate', () => {
  it('retries a refused timeout close with a new client order id on the next pass', async () => {
    const { h, trade } = await openAt63000();
    await h.clock.advanceTo(at(10, 31));
    h.exchange.faults.inject({ kind: 'reject', operation: 'placeMarketOrder', account: 'alice' });
    await h.bot.monitorPositions();
    expect(h.events.error).toMatchObject([
      { stage: 'monitor', userId: 'alice', error: { message: expect.stringContaining('unprotected') } },
    ]);
    expect((await h.store.getTrade('alice', trade.id))?.status).toBe('filled');

    await h.clock.advance(60_000);
    await h.bot.monitorPositions();
    expect(await h.store.getTrade('alice', trade.id)).toMatchObject({
      status: 'closed',
      exitReason: 'TIMEOUT',
    });
    const closes = h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdC'));
    expect(closes.map((o) => o.clientOrderId)).toEqual([expect.stringMatching(/^trdC2/)]);
  });

  it('records a take profit when the exit filled before a manual close could cancel it', async () => {
    const { h, trade } = await openAt63000();
    await h.clock.advance(20_000);
    // The take profit fills at the venue; the engine has not looked yet and asks for a manual close.
    h.exchange.setPrice('BTCUSDT', 63189);
    const closed = await h.bot.closeTrade('alice', trade.id);
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'TAKE_PROFIT', exitPrice: '63189' });
    expect(h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdC'))).toEqual([]);
    expect(await h.store.unfinishedIntents('alice')).toEqual([]);
  });

  it('closes at market when the exit was cancelled outside the engine', async () => {
    const { h, trade } = await openAt63000();
    await h.exchange
      .account({ apiKey: 'alice', secret: 'x' })
      .cancelExit({ symbol: 'BTCUSDT', exitRef: trade.exitRef! });
    await h.clock.advance(30_000);
    await h.bot.monitorPositions();
    expect(h.events.error).toEqual([]);
    expect(h.events['position:unprotected']).toMatchObject([
      { userId: 'alice', tradeId: trade.id, reason: expect.stringContaining('EXIT_CANCELLED') },
    ]);
    expect(await h.store.getTrade('alice', trade.id)).toMatchObject({
      status: 'closed',
      exitReason: 'EXIT_CANCELLED',
      exitNote: expect.stringContaining('was cancelled at the venue'),
    });
    expect(await h.store.openPositions('alice')).toEqual([]);
  });

  it('fails a close that never reached the venue at once and retries it with a new id on the next pass', async () => {
    const { h, trade } = await openAt63000();
    h.exchange.faults.inject({ kind: 'network', operation: 'placeMarketOrder', account: 'alice' });
    await expect(h.bot.closeTrade('alice', trade.id)).rejects.toMatchObject({ code: 'ORDER_REJECTED' });
    // Not left pending for a grace period: nothing was sent, and the lookup said so.
    expect(await h.store.unfinishedIntents('alice')).toEqual([]);
    await h.clock.advance(60_000);
    await h.bot.monitorPositions();
    // The exit was cancelled by the first attempt: the monitor closes at market, keeping MANUAL.
    expect(await h.store.getTrade('alice', trade.id)).toMatchObject({
      status: 'closed',
      exitReason: 'MANUAL',
    });
    const closes = h.exchange.orders('alice').filter((o) => o.clientOrderId.startsWith('trdC'));
    expect(closes.map((o) => o.clientOrderId)).toEqual([expect.stringMatching(/^trdC2/)]);
  });
});
