import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAtMarket, createHarness } from './support/engine-harness';

describe('several engines on one store', () => {
  it('trades each user from one engine only, and takes the users over when the other engine stops', async () => {
    const first = createHarness({ start: at(10), instanceId: 'engine-a' });
    const second = createHarness({
      clock: first.clock,
      exchange: first.exchange,
      store: first.store,
      instanceId: 'engine-b',
    });
    await activateUsers(first.store, [{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u3' }]);
    first.analyzer.script({ action: 'hold', confidence: 0 });
    second.analyzer.script(buyAtMarket);

    // engine-a claims everyone first; engine-b sees them held elsewhere.
    expect(await first.bot.runCycle()).toMatchObject({ usersSeen: 3, analysed: 3 });
    expect(await second.bot.runCycle()).toMatchObject({ usersSeen: 0, skipped: { claimed_elsewhere: 3 } });
    expect(second.events['trade:opened']).toEqual([]);

    // engine-a stops (releasing its claims): engine-b takes the users over.
    await first.bot.stop();
    await first.clock.advance(60_000);
    expect(await second.bot.runCycle()).toMatchObject({ usersSeen: 3, opened: 3 });
    expect(first.exchange.orders().filter((o) => o.clientOrderId.startsWith('trdE'))).toHaveLength(3);
  });
});
