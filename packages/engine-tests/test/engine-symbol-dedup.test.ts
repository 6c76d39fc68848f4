import type { MarketData } from '@trd/core';
import { recordCalls } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { activateUsers, at, createHarness } from './support/engine-harness';

describe('market data once per symbol', () => {
  it('fetches candles exactly twice per cycle for 100 users on 2 symbols', async () => {
    let recorder: ReturnType<typeof recordCalls<MarketData>> | undefined;
    const h = createHarness({
      start: at(10),
      wrapMarketData: (marketData) => {
        recorder = recordCalls(marketData);
        return recorder.port;
      },
    });
    const users = Array.from({ length: 100 }, (_, i) => ({
      userId: `user-${String(i).padStart(3, '0')}`,
      symbol: i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
    }));
    await activateUsers(h.store, users);

    const first = await h.bot.runCycle();
    expect(first).toMatchObject({ usersSeen: 100, analysed: 100 });
    expect(recorder!.count('candles')).toBe(2);
    expect(
      recorder!
        .callsOf('candles')
        .map((call) => call.args[0])
        .sort(),
    ).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(recorder!.callsOf('candles')[0]!.args[1]).toMatchObject({ interval: '1m', limit: 100 });
    // Every user of a symbol saw the same candles.
    const btcInputs = h.analyzer.inputs.filter((input) => input.symbol === 'BTCUSDT');
    expect(btcInputs).toHaveLength(50);
    expect(new Set(btcInputs.map((input) => input.candles)).size).toBe(1);

    // 10 s later every user is cooling down: nobody may trade, so nothing is fetched.
    await h.clock.advance(10_000);
    expect(await h.bot.runCycle()).toMatchObject({ analysed: 0, skipped: { cooldown: 100 } });
    expect(recorder!.count('candles')).toBe(2);

    await h.clock.advance(50_000);
    await h.bot.runCycle();
    expect(recorder!.count('candles')).toBe(4);
  });
});
