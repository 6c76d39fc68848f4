import {
  type Analyzer,
  createTradingBot,
  defaultTradingConfig,
  startOfUtcDay,
  type TradingBot,
  VirtualClock,
} from '@trd/core';
import { loadCandleFixture } from '@trd/core/testing';
import { createMockExchange, type MockExchange } from '@trd/exchange-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../src/postgres-store';
import { startTemporaryPostgres, type TemporaryPostgres } from './support/temporary-postgres';

const START = Date.UTC(2024, 8, 21, 9, 0);
const USER = 'daily-limit-user';

const buyAtMarket: Analyzer = {
  specificationVersion: 'v1',
  name: 'always-buy',
  async analyze(input) {
    const price = input.market.price;
    return {
      action: 'buy',
      confidence: 80,
      entryPrice: price,
      stopLoss: price * 0.995,
      takeProfit: price * 1.003,
    };
  },
};

let database: TemporaryPostgres;
let exchange: MockExchange;
const clock = new VirtualClock(START);

beforeAll(async () => {
  database = await startTemporaryPostgres();
  exchange = createMockExchange({
    clock,
    feeds: { BTCUSDT: { kind: 'replay', candles: loadCandleFixture('btcusdt-1m-2024-09-21') } },
  });
});

afterAll(async () => {
  await database?.destroy();
});

async function startEngine(): Promise<{ store: PostgresStore; bot: TradingBot; rejections: string[][] }> {
  const store = await createPostgresStore({ url: database.url, clock });
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'test-secret' }),
    analyzer: buyAtMarket,
    store,
    clock,
    // The reference bot's per-user analysis: this test is about the daily limit, not the policy.
    settings: { analysisMode: 'personal' },
  });
  const rejections: string[][] = [];
  bot.on('trade:rejected', (event) => rejections.push(event.violations.map((v) => v.code)));
  await bot.reconcile();
  return { store, bot, rejections };
}

describe('the daily trade limit across a restart', () => {
  it('still refuses the 11th trade of the UTC day after the engine and store restart', async () => {
    const first = await startEngine();
    await first.store.saveConfig(defaultTradingConfig(USER, { isActive: true }));
    for (let trade = 1; trade <= 10; trade++) {
      const report = await first.bot.runCycle();
      expect(report.opened, `trade ${trade}`).toBe(1);
      const [position] = await first.store.openPositions(USER);
      await first.bot.closeTrade(USER, position?.tradeId as string);
      // Past the 30 s cooldown.
      await clock.advance(60_000);
    }
    expect(await first.store.countTradesSince(USER, startOfUtcDay(clock.now()))).toBe(10);
    await first.bot.stop();
    await first.store.close();

    // A new process: nothing in memory, everything from PostgreSQL.
    const second = await startEngine();
    const report = await second.bot.runCycle();
    expect(report.opened).toBe(0);
    expect(second.rejections).toEqual([['DAILY_LIMIT']]);
    expect(await second.store.openPositions(USER)).toEqual([]);
    expect((await second.store.getPortfolio(USER)).totalTrades).toBe(10);

    // The next UTC day, inside trading hours, the count starts again.
    await clock.advanceTo(startOfUtcDay(clock.now()) + 24 * 3_600_000 + 9 * 3_600_000);
    expect((await second.bot.runCycle()).opened).toBe(1);
    await second.bot.stop();
    await second.store.close();
  });
});
