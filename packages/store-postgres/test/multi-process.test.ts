import { defaultTradingConfig, VirtualClock } from '@trd/core';
import { loadCandleFixture } from '@trd/core/testing';
import { createMockExchange } from '@trd/exchange-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/postgres-store';
import { type EngineChild, startEngineChild } from './support/engine-child';
import { startTemporaryPostgres, type TemporaryPostgres } from './support/temporary-postgres';
import { startVenueServer, type VenueServer } from './support/venue-server';

const START = Date.UTC(2024, 8, 21, 9, 0);
const MINUTE = 60_000;
const USERS = Array.from({ length: 300 }, (_, i) => `multi-user-${String(i).padStart(3, '0')}`);

let database: TemporaryPostgres;
let store: PostgresStore;
let venue: VenueServer;
const clock = new VirtualClock(START);
const engines: EngineChild[] = [];

beforeAll(async () => {
  database = await startTemporaryPostgres();
  store = await createPostgresStore({ url: database.url, clock });
  for (const userId of USERS) await store.saveConfig(defaultTradingConfig(userId, { isActive: true }));
  const exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') } },
  });
  venue = await startVenueServer(exchange, clock);
});

afterAll(async () => {
  for (const engine of engines) engine.kill();
  await venue?.close();
  await store?.close();
  await database?.destroy();
});

/** Runs one cycle at `at` in every engine at the same moment; returns who analysed whom. */
async function cycle(number: number, at: number, running: EngineChild[]): Promise<string[][]> {
  await clock.advanceTo(at);
  const from = running.map((engine) => engine.lines.length);
  for (const engine of running) engine.send({ cycle: number, at });
  const reports = await Promise.all(running.map((engine, i) => engine.waitFor('cycle', from[i], 60_000)));
  for (const report of reports) expect(report.cycle).toBe(number);
  return reports.map((report) => report.analysed as string[]);
}

function expectEachUserOnce(analysedPerEngine: string[][]) {
  const all = analysedPerEngine.flat();
  // Never by two processes, nor twice by one.
  expect(all.length).toBe(new Set(all).size);
  // Every user.
  expect(new Set(all)).toEqual(new Set(USERS));
}

/** Each process carries about a third (or half, for two): between `low` and `high` users. */
function expectBalanced(analysedPerEngine: string[][], low: number, high: number) {
  for (const users of analysedPerEngine) {
    expect(users.length).toBeGreaterThanOrEqual(low);
    expect(users.length).toBeLessThanOrEqual(high);
  }
}

describe('three engine processes on one database', () => {
  it('share 300 users about equally, analyse each once per cycle, never in two processes, and take over from a dead one', {
    timeout: 300_000,
  }, async () => {
    for (const name of ['engine-a', 'engine-b', 'engine-c']) {
      engines.push(
        startEngineChild({
          TRD_MODE: 'coordinated',
          TRD_DATABASE_URL: database.url,
          TRD_VENUE_URL: venue.url,
          TRD_INSTANCE_ID: name,
        }),
      );
    }
    await Promise.all(engines.map((engine) => engine.waitFor('ready')));

    // Every engine is live from its start, so each claims its fair share, ceil(300 / 3), at once.
    let at = START;
    for (let number = 1; number <= 3; number++) {
      at += MINUTE;
      const analysed = await cycle(number, at, engines);
      expectEachUserOnce(analysed);
      expectBalanced(analysed, 60, 140);
      const [{ count }] = (await store.query<{ count: string }>(
        'select count(*) from analysis_records where created_at = ?',
        [at],
      )) as [{ count: string }];
      expect(Number(count)).toBe(USERS.length);
    }

    // Kill one process: its claims and heartbeat lapse after the TTL (3 cycles) and the two
    // survivors take its users over, about half each, still one process per user.
    at += MINUTE;
    const last = await cycle(4, at, engines);
    expectEachUserOnce(last);
    const [dead, ...survivors] = engines as [EngineChild, ...EngineChild[]];
    dead.kill();
    await dead.exited;
    // Within the TTL a silent holder might only be slow: its users wait rather than risk two traders.
    const heldByDead = new Set(last[0] as string[]);
    expect(heldByDead.size).toBeGreaterThan(0);
    for (let number = 5; number <= 6; number++) {
      at += MINUTE;
      const early = await cycle(number, at, survivors);
      expect(early.flat().filter((userId) => heldByDead.has(userId))).toEqual([]);
    }
    // Its last claims (cycle 4) lapse 3 minutes later: from then on two live engines, 150 each.
    for (let number = 7; number <= 8; number++) {
      at += MINUTE;
      const analysed = await cycle(number, at, survivors);
      expectEachUserOnce(analysed);
      expectBalanced(analysed, 120, 180);
    }

    for (const engine of survivors) engine.send({ stop: true });
    for (const engine of survivors) expect((await engine.exited).code, engine.stderr()).toBe(0);
  });
});
