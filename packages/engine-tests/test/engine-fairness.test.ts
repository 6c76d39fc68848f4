import { type Analyzer, createTradingBot, type Signal } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { activateUsers, createHarness } from './support/engine-harness';

/**
 * A model behind a shared rate limit answers only some users per cycle. The engine must start with
 * the users who have waited longest, or the same users would take the budget every cycle.
 */
describe('engine fairness under a limited analysis budget', () => {
  it('analyses every user within a few cycles when only two analyses succeed per cycle', async () => {
    const budgetPerCycle = 2;
    let used = 0;
    const answered = new Set<string>();
    const analyzer: Analyzer = {
      specificationVersion: 'v1',
      name: 'budgeted',
      // It counts users: the engine must not share one answer between them.
      dependsOnUser: true,
      async analyze(input): Promise<Signal> {
        if (used >= budgetPerCycle) throw new Error('rate limited: budget for this cycle used up');
        used++;
        answered.add(input.userId);
        return { action: 'hold', confidence: 0, reasoning: 'budgeted hold' };
      },
    };
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((userId) => ({ userId }));
    const { clock, exchange, store } = createHarness();
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'not-a-secret' }),
      analyzer,
      store,
      clock,
      settings: { analysisConcurrency: 1, analysisMode: 'personal' },
    });
    await activateUsers(store, users);

    for (let cycle = 0; cycle < 3; cycle++) {
      used = 0;
      await bot.runCycle();
      await clock.advance(60_000);
    }
    expect([...answered].sort()).toEqual(users.map((u) => u.userId));
  });
});
