import type { TradingAccount } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAt, createHarness } from './support/engine-harness';

/** An account like the mock's, but declaring that it cannot place a one-cancels-other exit. */
const withoutOcoExits = (account: TradingAccount): TradingAccount =>
  new Proxy(account, {
    get(target, property, receiver) {
      if (property === 'capabilities') return { ...target.capabilities, ocoExits: false };
      return Reflect.get(target, property, receiver);
    },
  });

describe('the ocoExits capability', () => {
  it('opens no position on an account that cannot place the OCO exit: a rejection with a code, no order sent', async () => {
    const h = createHarness({
      start: at(9, 0, 30),
      wrapAccount: (account, userId) => (userId === 'no-oco' ? withoutOcoExits(account) : account),
    });
    await activateUsers(h.store, [{ userId: 'no-oco' }, { userId: 'oco' }]);
    h.exchange.setPrice('BTCUSDT', 63000);
    h.analyzer.script(buyAt(63000));

    const report = await h.bot.runCycle();

    expect(report).toMatchObject({ opened: 1, errors: 0 });
    const rejected = h.events['trade:rejected'];
    expect(rejected.map((event) => event.userId)).toEqual(['no-oco']);
    expect(rejected[0]?.violations.map((violation) => violation.code)).toEqual(['EXITS_UNSUPPORTED']);
    expect(h.events['trade:opened'].map((event) => event.trade.userId)).toEqual(['oco']);
    expect(h.exchange.orders('no-oco')).toEqual([]);
    expect(await h.store.openPositions('no-oco')).toEqual([]);
  });
});
