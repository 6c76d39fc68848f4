import { EngineTimeoutError, ModelUnavailableError } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, buyAtMarket, createHarness } from './support/engine-harness';

describe("one user's failure never stops the others", () => {
  it('reports an exchange error, an analyzer timeout and an analyzer failure, and trades the rest', async () => {
    const h = createHarness({ start: at(10), settings: { analysisTimeoutMs: 5_000 } });
    await activateUsers(h.store, [
      { userId: 'broken-exchange' },
      { userId: 'healthy' },
      { userId: 'slow-model' },
      { userId: 'failing-model' },
    ]);
    h.analyzer.script(buyAtMarket);
    let aborted = false;
    h.analyzer.script(
      (_input, { signal }) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
      'slow-model',
    );
    h.analyzer.script(() => {
      throw new ModelUnavailableError('model service down');
    }, 'failing-model');
    h.exchange.faults.inject({
      kind: 'network',
      operation: 'balances',
      account: 'broken-exchange',
      times: Infinity,
    });

    const cycle = h.bot.runCycle();
    await h.clock.advance(5_000);
    const report = await cycle;

    expect(report).toMatchObject({ opened: 1, errors: 3 });
    expect(h.events['trade:opened'].map((e) => e.userId)).toEqual(['healthy']);
    const errors = Object.fromEntries(h.events.error.map((e) => [e.userId, e]));
    expect(errors['broken-exchange']).toMatchObject({
      stage: 'risk',
      error: { code: 'EXCHANGE_UNAVAILABLE' },
    });
    expect(errors['slow-model']?.stage).toBe('analysis');
    expect(errors['slow-model']?.error).toBeInstanceOf(EngineTimeoutError);
    expect(aborted).toBe(true);
    expect(errors['failing-model']).toMatchObject({
      stage: 'analysis',
      error: { message: 'model service down' },
    });
    expect(h.events['cycle:end']).toHaveLength(1);
  });

  it('skips the users of a symbol whose market data fails and trades the other symbol', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'btc' }, { userId: 'eth', symbol: 'ETHUSDT' }]);
    h.analyzer.script(buyAtMarket);
    h.exchange.faults.inject({ kind: 'rate_limit', operation: 'candles', symbol: 'ETHUSDT' });

    const report = await h.bot.runCycle();
    expect(report).toMatchObject({ analysed: 1, opened: 1, skipped: { no_market_data: 1 } });
    expect(h.events.error).toMatchObject([
      { stage: 'market_data', symbol: 'ETHUSDT', error: { code: 'RATE_LIMITED' } },
    ]);
  });

  it('records a rejection with every failed rule and does not trade', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'timid', minConfidence: 80 }]);
    h.analyzer.script((input) => ({ ...buyAtMarket(input), confidence: 70 }));
    await h.bot.runCycle();
    expect(h.events['trade:rejected']).toMatchObject([
      { userId: 'timid', violations: [{ code: 'LOW_CONFIDENCE' }] },
    ]);
    expect(h.exchange.orders('timid')).toEqual([]);
    expect(await h.store.recentAnalyses('timid', 5)).toMatchObject([
      { analyzer: 'scripted', signal: { action: 'buy', confidence: 70 } },
    ]);
  });

  it('turns an unusable signal into a hold before any order', async () => {
    const h = createHarness({ start: at(10) });
    await activateUsers(h.store, [{ userId: 'u' }]);
    // 50% away from the market: sanitised into a hold.
    h.analyzer.script((input) => ({
      ...buyAtMarket(input),
      entryPrice: input.market.price * 1.5,
      takeProfit: input.market.price * 1.6,
    }));
    await h.bot.runCycle();
    expect(h.events.analysis[0]?.signal).toMatchObject({
      action: 'hold',
      reasoning: expect.stringContaining('invalid signal'),
    });
    expect(h.events['trade:rejected']).toEqual([]);
    expect(h.exchange.orders('u')).toEqual([]);
  });
});
