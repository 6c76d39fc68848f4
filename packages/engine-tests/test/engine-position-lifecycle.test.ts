import { dec, OrderNotFoundError, type TradingAccount } from '@trd/core';
import { describe, expect, it } from 'vitest';
import {
  activateUsers,
  at,
  buyAt,
  createHarness,
  type Harness,
  type HarnessOptions,
} from './support/engine-harness';

/**
 * The roads that once left coins naked (an entry filled, its exit never placed, the trade never
 * recorded), each as a named case: the position exists from the fill and is protected or closed
 * at market within one monitor pass.
 */
describe('position lifecycle: no naked position', () => {
  it('refuses an entry whose exit legs would be under the minimum notional (ETHUSDT, 52 USDT)', async () => {
    const h = createHarness({ start: at(10), startingBalances: { USDT: '52' } });
    await activateUsers(h.store, [{ userId: 'small', symbol: 'ETHUSDT' }]);
    h.analyzer.script(buyAt(h.exchange.currentPrice('ETHUSDT')));
    await h.bot.runCycle();
    expect(h.events['trade:rejected']).toMatchObject([
      { userId: 'small', violations: [{ code: 'EXIT_BELOW_MIN_NOTIONAL' }] },
    ]);
    expect(h.exchange.orders('small')).toEqual([]);
  });

  it('refuses a spot sell of leftover dust whose buy-back leg would be under the minimum', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'dusty' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    // 0.00008 BTC is 5.04 USDT: the entry clears 5, the buy-back at the take profit (5.02) does not.
    h.exchange.deposit('dusty', 'BTC', '0.00008');
    h.analyzer.script({
      action: 'sell',
      confidence: 80,
      entryPrice: 63000,
      stopLoss: 63315,
      takeProfit: 62811,
    });
    await h.bot.runCycle();
    expect(h.events['trade:rejected']).toMatchObject([
      { userId: 'dusty', violations: [{ code: 'EXIT_BELOW_MIN_NOTIONAL' }] },
    ]);
    expect(h.exchange.orders('dusty')).toEqual([]);
  });

  it('closes at market in the same pass when the venue refuses the exit (EXIT_UNPLACEABLE)', async () => {
    const h = await openedWith((harness) =>
      harness.exchange.faults.inject({
        kind: 'reject',
        operation: 'placeExit',
        account: 'alice',
        venueCode: -1013,
        message: 'Filter failure: NOTIONAL',
      }),
    );
    const [trade] = (await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    expect(trade).toMatchObject({
      status: 'closed',
      exitReason: 'EXIT_UNPLACEABLE',
      exitNote: expect.stringContaining('Filter failure: NOTIONAL'),
    });
    expect(h.events['trade:opened']).toHaveLength(1);
    expect(h.events['position:unprotected']).toMatchObject([{ userId: 'alice' }]);
    expect(await h.store.openPositions('alice')).toEqual([]);
    // Nothing left behind but the dust the portfolio shows; the user trades again next cycle.
    expect((await h.store.getPortfolio('alice')).dust.map((d) => d.quantity)).toEqual([
      h.exchange.balances('alice').BTC?.free,
    ]);
    h.analyzer.script(buyAt(63000));
    await h.clock.advance(60_000);
    h.exchange.setPrice('BTCUSDT', 63000);
    expect(await h.bot.runCycle()).toMatchObject({ opened: 1 });
  });

  it('closes at market when the price moved through a level between the fill and the exit', async () => {
    // The market falls 1% right after the entry fills, below the −0.5% stop.
    let h!: Harness;
    h = createHarness({
      start: at(10),
      wrapAccount: (account) => ({
        ...account,
        specificationVersion: account.specificationVersion,
        capabilities: account.capabilities,
        balances: (options) => account.balances(options),
        findOrder: (symbol, id) => account.findOrder(symbol, id),
        placeExit: (request) => account.placeExit(request),
        findExit: (symbol, id) => account.findExit(symbol, id),
        exitStatus: (ref) => account.exitStatus(ref),
        cancelExit: (ref) => account.cancelExit(ref),
        placeMarketOrder: async (request) => {
          const report = await account.placeMarketOrder(request);
          if (request.side === 'buy') h.exchange.setPrice('BTCUSDT', 62370);
          return report;
        },
      }),
    });
    await activateUsers(h.store, [{ userId: 'alice' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));
    await h.bot.runCycle();
    const [trade] = (await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    expect(trade).toMatchObject({
      status: 'closed',
      exitReason: 'EXIT_UNPLACEABLE',
      exitPrice: '62370',
      exitNote: expect.stringContaining('EXIT_LAST_PRICE'),
    });
    // No exit was ever sent: it could not have been accepted.
    expect(h.exchange.exits('alice')).toEqual([]);
  });

  it('re-protects a position whose exit the venue answers "Order list does not exist." for, without a second exit', async () => {
    const venue = forgettingExitOnce();
    const h = await openedWith(() => undefined, { wrapAccount: venue.wrap });
    const [position] = await h.store.openPositions('alice');
    expect(position).toMatchObject({ protection: 'protected' });
    venue.arm();
    await h.clock.advance(60_000);
    await h.bot.monitorPositions();
    // Read as not-found: unprotected, looked up by its client id, found open and kept.
    expect(h.events['position:unprotected']).toMatchObject([
      { reason: expect.stringContaining('no longer knows') },
    ]);
    expect(await h.store.openPositions('alice')).toMatchObject([
      { protection: 'protected', exitRef: position?.exitRef },
    ]);
    expect(h.exchange.exits('alice')).toHaveLength(1);
    expect(h.events.error).toEqual([]);
  });

  it('closes at market within one pass when the stop triggered in a gap and did not fill (STOP_UNFILLED)', async () => {
    const h = await openedWith(() => undefined);
    await h.clock.advance(20_000);
    // 63 000 → 62 000: past the stop (62 685) and its limit (62 622.31): the stop-limit cannot fill.
    h.exchange.setPrice('BTCUSDT', 62000);
    expect(h.exchange.exits('alice')).toMatchObject([{ state: 'triggered' }]);
    await h.bot.monitorPositions();
    const [trade] = (await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    expect(trade).toMatchObject({ status: 'closed', exitReason: 'STOP_UNFILLED', exitPrice: '62000' });
    expect(h.exchange.exits('alice')).toMatchObject([{ state: 'cancelled' }]);
    // The coins the exit had locked were sold: only the dust is left.
    expect(dec(h.exchange.balances('alice').BTC?.locked ?? 0).isZero()).toBe(true);
  });

  it('lets closeTrade and the timeout reach an unprotected position', async () => {
    const h = await openedWith((harness) =>
      harness.exchange.faults.inject({ kind: 'network', operation: 'placeExit', account: 'alice', times: 5 }),
    );
    const [position] = await h.store.openPositions('alice');
    expect(position).toMatchObject({ protection: 'unprotected' });
    const closed = await h.bot.closeTrade('alice', position!.tradeId);
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'MANUAL' });

    const t = await openedWith((harness) =>
      harness.exchange.faults.inject({
        kind: 'network',
        operation: 'placeExit',
        account: 'alice',
        times: 100,
      }),
    );
    // The venue stays unreachable for exits: after two passes the engine closes at market.
    for (let pass = 1; pass <= 3; pass++) {
      await t.clock.advance(60_000);
      await t.bot.monitorPositions();
    }
    const [trade] = (await t.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    expect(trade).toMatchObject({
      status: 'closed',
      exitReason: 'EXIT_UNPLACEABLE',
      exitNote: expect.stringContaining('for 2 monitor passes'),
    });
  });

  it('sells only the rest when a triggered stop-limit filled in part before the cancel', async () => {
    let triggered = false;
    const partialFill = (symbol: string) => ({
      orderId: 'sl-1',
      clientOrderId: 'sl',
      symbol,
      side: 'sell' as const,
      status: 'partially_filled' as const,
      executedQuantity: '0.00585',
      averagePrice: '62622.31',
      quoteQuantity: '366.3405135',
      fees: [{ amount: '0.3663405135', asset: 'USDT' }],
      updatedAt: 0,
    });
    const h = await openedWith(() => undefined, {
      wrapAccount: (account) =>
        new Proxy(account, {
          get(target, property, receiver) {
            if (triggered && (property === 'exitStatus' || property === 'cancelExit'))
              return async (ref: { symbol: string; exitRef: string }) => {
                await account.cancelExit(ref);
                return {
                  exitRef: ref.exitRef,
                  clientOrderId: 'x',
                  symbol: ref.symbol,
                  state: property === 'exitStatus' ? 'triggered' : 'cancelled',
                  leg: 'stop_loss',
                  fill: partialFill(ref.symbol),
                };
              };
            return Reflect.get(target, property, receiver);
          },
        }),
    });
    triggered = true;
    await h.clock.advance(20_000);
    h.exchange.setPrice('BTCUSDT', 62500);
    await h.bot.monitorPositions();
    const [trade] = (await h.store.listTrades('alice', { limit: 5, offset: 0 })).trades;
    // 0.01585 in all: 0.00585 by the stop leg, the other 0.01 by the market close.
    const close = h.exchange.orders('alice').find((o) => o.clientOrderId.startsWith('trdC'));
    expect(close?.executedQuantity).toBe('0.01');
    expect(trade).toMatchObject({ status: 'closed', exitReason: 'STOP_UNFILLED', exitQuantity: '0.01585' });
    // The P&L counts both fills: the partial's proceeds and the close's.
    const proceeds = dec('366.3405135')
      .minus('0.3663405135')
      .plus(close!.quoteQuantity)
      .minus(close!.fees[0]!.amount);
    expect(trade?.profitLoss).toBe(proceeds.minus('999.81').toFixed());
  });
});

async function openedWith(arrange: (h: Harness) => void, options: HarnessOptions = {}): Promise<Harness> {
  const h = createHarness({ start: at(10), ...options });
  await activateUsers(h.store, [{ userId: 'alice' }]);
  h.exchange.setPrice('BTCUSDT', 63000);
  h.analyzer.script(buyAt(63000));
  arrange(h);
  await h.bot.runCycle();
  h.analyzer.script({ action: 'hold', confidence: 0 });
  expect(h.events['trade:opened']).toHaveLength(1);
  return h;
}

/** Accounts whose next exit status, once armed, is answered as Binance answers an unknown order list. */
function forgettingExitOnce(): { wrap: (account: TradingAccount) => TradingAccount; arm: () => void } {
  let armed = false;
  return {
    arm: () => {
      armed = true;
    },
    wrap: (account) =>
      new Proxy(account, {
        get(target, property, receiver) {
          if (property === 'exitStatus' && armed) {
            armed = false;
            return async () => {
              throw new OrderNotFoundError('Order list does not exist.');
            };
          }
          return Reflect.get(target, property, receiver);
        },
      }),
  };
}
