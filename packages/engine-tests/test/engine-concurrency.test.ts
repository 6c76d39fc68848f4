import type { Signal, TradingAccount } from '@trd/core';
import { createScriptedAnalyzer } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { activateUsers, buyAt, createHarness } from './support/engine-harness';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * `analysisConcurrency` bounds the model calls; `tradeConcurrency` the users in flight. A cycle
 * with a slow model must not hold every other user's store and venue work to the model's pace.
 */
describe('engine concurrency: model calls and trades bounded apart', () => {
  it('keeps at most analysisConcurrency model calls in flight while more users trade at once', async () => {
    let calls = 0;
    let peakCalls = 0;
    const analyzer = createScriptedAnalyzer(async (input): Promise<Signal> => {
      calls++;
      peakCalls = Math.max(peakCalls, calls);
      await tick();
      await tick();
      calls--;
      return buyAt(input.market.price);
    });
    let balanceReads = 0;
    let peakBalanceReads = 0;
    const slowBalances = (account: TradingAccount): TradingAccount => ({
      ...account,
      specificationVersion: account.specificationVersion,
      capabilities: account.capabilities,
      balances: async (options) => {
        balanceReads++;
        peakBalanceReads = Math.max(peakBalanceReads, balanceReads);
        // Slower than a model call: the users whose answer came wait here together.
        for (let i = 0; i < 20; i++) await tick();
        balanceReads--;
        return account.balances(options);
      },
      placeMarketOrder: (request) => account.placeMarketOrder(request),
      findOrder: (symbol, id) => account.findOrder(symbol, id),
      placeExit: (request) => account.placeExit(request),
      findExit: (symbol, id) => account.findExit(symbol, id),
      exitStatus: (ref) => account.exitStatus(ref),
      cancelExit: (ref) => account.cancelExit(ref),
    });
    const users = [...Array(12).keys()].map((i) => ({ userId: `user-${i}` }));
    const h = createHarness({
      analyzer,
      wrapAccount: slowBalances,
      settings: { analysisConcurrency: 2, tradeConcurrency: 12 },
    });
    await activateUsers(h.store, users);

    const report = await h.bot.runCycle();

    expect(peakCalls).toBe(2);
    expect(analyzer.inputs).toHaveLength(12);
    // More users past their analysis at once than model calls allowed.
    expect(peakBalanceReads).toBeGreaterThan(2);
    expect(report).toMatchObject({ analysed: 12, opened: 12, errors: 0 });
  });
});
