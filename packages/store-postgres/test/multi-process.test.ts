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

describe('three engine processes on one database', () => {
  it('analyse each of 300 users once per cycle, never in two processes, and take over from a dead one', {
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

    let at = START;
    for (let number = 1; number <= 3; number++) {
      at += MINUTE;
      expectEachUserOnce(await cycle(number, at, engines));
      const [{ count }] = (await store.query<{ count: string }>(
        'select count(*) from analysis_records where created_at = ?',
        [at],
      )) as [{ count: string }];
      expect(Number(count)).toBe(USERS.length);
    }

    // Kill every process that holds users: their claims lapse after the TTL (3 cycles) and the
    // survivors take the users over, still one process per user.
    at += MINUTE;
    const last = await cycle(4, at, engines);
    const holders = engines.filter((_, i) => (last[i] as string[]).length > 0);
    const survivors = engines.filter((_, i) => (last[i] as string[]).length === 0);
    if (survivors.length === 0) survivors.push(holders.pop() as EngineChild);
    for (const engine of holders) {
      engine.kill();
      await engine.exited;
    }
    // Within the TTL a silent holder might only be slow: its users wait rather than risk two traders.
    const heldByDead = new Set(holders.flatMap((engine) => last[engines.indexOf(engine)] as string[]));
    at += MINUTE;
    const early = await cycle(5, at, survivors);
    expect(early.flat().filter((userId) => heldByDead.has(userId))).toEqual([]);
    at += 3 * MINUTE;
    expectEachUserOnce(await cycle(6, at, survivors));
    at += MINUTE;
    expectEachUserOnce(await cycle(7, at, survivors));

    for (const engine of survivors) engine.send({ stop: true });
    for (const engine of survivors) expect((await engine.exited).code, engine.stderr()).toBe(0);
  });
});
