import { describe, expect, it } from 'vitest';
import { activateUsers, at, createHarness, type Harness } from './support/engine-harness';

const MINUTE = 60_000;
const USERS = Array.from({ length: 30 }, (_, i) => `fair-user-${String(i).padStart(2, '0')}`);

/** Engines sharing one memory store, exchange and clock; every analysis is a hold. */
function createEngines(names: string[]): Harness[] {
  const first = createHarness({ start: at(10), instanceId: names[0], settings: { userCooldownMs: 0 } });
  const others = names.slice(1).map((instanceId) =>
    createHarness({
      clock: first.clock,
      exchange: first.exchange,
      store: first.store,
      instanceId,
      settings: { userCooldownMs: 0 },
    }),
  );
  const engines = [first, ...others];
  for (const engine of engines) engine.analyzer.script({ action: 'hold', confidence: 0 });
  return engines;
}

/** One minute later, a cycle in each running engine at the same moment; who analysed whom. */
async function round(running: Harness[]): Promise<string[][]> {
  const clock = running[0]?.clock;
  await clock?.advance(MINUTE);
  const from = running.map((engine) => engine.events.analysis.length);
  await Promise.all(running.map((engine) => engine.bot.runCycle()));
  const analysed = running.map((engine, i) =>
    engine.events.analysis.slice(from[i]).map((event) => event.userId),
  );
  // Never one user in two engines, nor twice in one.
  const all = analysed.flat();
  expect(all.length).toBe(new Set(all).size);
  return analysed;
}

const sizes = (analysed: string[][]) => analysed.map((users) => users.length);
const coversEveryone = (analysed: string[][]) => new Set(analysed.flat()).size === USERS.length;

/** Rounds until every user is analysed and each engine carries `share`; fails after `limit` rounds. */
async function untilBalanced(running: Harness[], share: number, limit: number): Promise<number> {
  for (let rounds = 1; rounds <= limit; rounds++) {
    const analysed = await round(running);
    if (coversEveryone(analysed) && sizes(analysed).every((size) => size === share)) return rounds;
  }
  throw new Error(`not balanced at ${share} per engine within ${limit} rounds`);
}

describe('several engines on one store share the users fairly', () => {
  it('gives each of three engines about a third, moves a dead engine’s users after the TTL, and a stopped one’s at once', async () => {
    const [a, b, c] = createEngines(['engine-a', 'engine-b', 'engine-c']) as [Harness, Harness, Harness];
    await activateUsers(
      a.store,
      USERS.map((userId) => ({ userId })),
    );

    // Alone, engine-a carries everyone.
    expect(sizes(await round([a]))).toEqual([30]);

    // engine-b joins: within a few cycles each carries half.
    expect(await untilBalanced([a, b], 15, 3)).toBeLessThanOrEqual(3);
    expect(sizes(await round([a, b]))).toEqual([15, 15]);

    // engine-c joins: a third each.
    expect(await untilBalanced([a, b, c], 10, 3)).toBeLessThanOrEqual(3);
    const balanced = await round([a, b, c]);
    expect(sizes(balanced)).toEqual([10, 10, 10]);
    expect(coversEveryone(balanced)).toBe(true);

    // engine-c dies (no stop, no release): within the TTL (3 min) its users wait rather than risk two traders.
    const ofDead = new Set(balanced[2]);
    for (let i = 0; i < 2; i++) {
      const early = await round([a, b]);
      expect(early.flat().filter((userId) => ofDead.has(userId))).toEqual([]);
      expect(sizes(early)).toEqual([10, 10]);
    }
    // After the TTL its claims and its heartbeat have lapsed: the survivors take half each.
    expect(await untilBalanced([a, b], 15, 3)).toBeLessThanOrEqual(3);

    // engine-b stops (releasing its claims and its heartbeat): engine-a takes everyone at once.
    await b.bot.stop();
    const afterStop = await round([a]);
    expect(sizes(afterStop)).toEqual([30]);
    expect(a.events.error).toEqual([]);
    expect(b.events.error).toEqual([]);
  });

  it('never releases a user with an open position to another engine', async () => {
    const [a, b] = createEngines(['engine-a', 'engine-b']) as [Harness, Harness];
    await activateUsers(
      a.store,
      USERS.map((userId) => ({ userId })),
    );
    // engine-a buys for everyone it holds in its first cycle.
    a.analyzer.script((input) => ({
      action: 'buy',
      confidence: 80,
      entryPrice: input.market.price,
      stopLoss: input.market.price * 0.995,
      takeProfit: input.market.price * 1.003,
    }));
    expect(await a.bot.runCycle()).toMatchObject({ usersSeen: 30, opened: 30 });
    a.analyzer.script({ action: 'hold', confidence: 0 });
    b.analyzer.script({ action: 'hold', confidence: 0 });

    // engine-b joins, but every user has a position managed by engine-a: none is handed over.
    for (let i = 0; i < 3; i++) {
      await round([a, b]);
      await Promise.all([a.bot.monitorPositions(), b.bot.monitorPositions()]);
      expect(b.events['trade:closed']).toEqual([]);
      expect(b.events['position:timeout']).toEqual([]);
    }
    expect(a.events.error).toEqual([]);
    expect(b.events.error).toEqual([]);
  });
});
