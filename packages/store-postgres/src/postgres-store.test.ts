import { MikroORM } from '@mikro-orm/postgresql';
import { defaultTradingConfig, type OrderIntent, openPositionOf, type Trade, VirtualClock } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../test/support/caught';
import { startTemporaryPostgres, type TemporaryPostgres } from '../test/support/temporary-postgres';
import { migrations } from './migrations';
import { createOrmConfig } from './orm-config';
import { createPostgresStore, type PostgresStore } from './postgres-store';

const T0 = Date.UTC(2026, 0, 5, 9, 0);
let server: TemporaryPostgres;
let store: PostgresStore;
let counter = 0;

const nextId = (prefix: string) => `${prefix}-${++counter}`;

function entry(userId: string, overrides: Partial<Trade> = {}): { intent: OrderIntent; trade: Trade } {
  const clientOrderId = nextId('cid');
  const tradeId = nextId('trade');
  const intent: OrderIntent = {
    clientOrderId,
    userId,
    kind: 'entry',
    symbol: 'BTCUSDT',
    side: 'buy',
    quantity: '0.002',
    tradeId,
    state: 'pending',
    createdAt: T0,
    updatedAt: T0,
  };
  const trade: Trade = {
    id: tradeId,
    userId,
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'filled',
    quantity: '0.002',
    entryPrice: '50000',
    entryFee: '0.1',
    takeProfit: '50150',
    stopLoss: '49750',
    confidence: 70,
    clientOrderId,
    exitRef: 'oco-1',
    openedAt: T0,
    ...overrides,
  };
  return { intent, trade };
}

function position(trade: Trade, exitRef = 'oco-1') {
  return openPositionOf(trade, { exitRef });
}

beforeAll(async () => {
  server = await startTemporaryPostgres();
  store = await createPostgresStore({ url: server.url, clock: new VirtualClock(T0) });
});

afterAll(async () => {
  await store?.close();
  await server?.destroy();
});

describe('schema and migrations', () => {
  it('stores every amount in numeric(36,18)', async () => {
    const columns = await store.query<{
      table_name: string;
      column_name: string;
      numeric_precision: number;
      numeric_scale: number;
    }>(
      `select table_name, column_name, numeric_precision, numeric_scale from information_schema.columns
       where table_schema = 'public' and data_type = 'numeric' and column_name <> 'win_rate' order by table_name, column_name`,
    );
    const names = columns.map((c) => `${c.table_name}.${c.column_name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'trades.quantity',
        'trades.entry_price',
        'trades.entry_fee',
        'trades.exit_price',
        'trades.exit_fee',
        'trades.profit_loss',
        'trades.exit_quantity',
        'open_positions.quantity',
        'order_intents.quantity',
        'portfolio.total_realized_pnl',
        'portfolio.total_fees',
        'portfolio_dust.quantity',
        'portfolio_dust.cost',
      ]),
    );
    for (const column of columns) expect([column.numeric_precision, column.numeric_scale]).toEqual([36, 18]);
  });

  it('records the applied migration and applies nothing twice when reopened', async () => {
    const again = await createPostgresStore({ url: server.url });
    await again.close();
    const applied = await store.query<{ name: string }>('select name from trd_migrations');
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
  });

  it('migrates a fresh database once when three stores open it together', async () => {
    await store.query('create database concurrent_open');
    const url = server.url.replace(/\/trd$/, '/concurrent_open');
    const stores = await Promise.all([0, 1, 2].map(() => createPostgresStore({ url })));
    try {
      const [first] = stores as [PostgresStore];
      expect(await first.query('select name from trd_migrations')).toHaveLength(migrations.length);
      await first.saveConfig(defaultTradingConfig('shared', { isActive: true }));
      for (const other of stores) expect(await other.getConfig('shared')).toMatchObject({ isActive: true });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('bad input', () => {
  it('refuses an amount with more decimals than the column keeps, writing nothing', async () => {
    const { intent } = entry(nextId('user'));
    const error = await caught(store.journalIntent({ ...intent, quantity: '0.0000000000000000001' }));
    expect(error.code).toBe('STORE');
    expect(error.message).toMatch(/more than 18 decimals/);
    expect(await store.getIntent(intent.clientOrderId)).toBeNull();
  });

  it('refuses a trade that does not match the domain schema', async () => {
    const userId = nextId('user');
    const { intent, trade } = entry(userId);
    await store.journalIntent(intent);
    const bad = { ...trade, side: 'long' } as unknown as Trade;
    const error = await caught(
      store.recordOpenedTrade({
        trade: bad,
        position: position(trade),
        intentClientOrderId: intent.clientOrderId,
      }),
    );
    expect(error.message).toMatch(/invalid trade: side/);
    expect(await store.query('select 1 from trades where id = ?', [trade.id])).toEqual([]);
  });

  it('refuses an invalid trading config with a ConfigError', async () => {
    const error = await caught(
      store.saveConfig({ ...defaultTradingConfig(nextId('user')), symbol: 'btc/usdt' }),
    );
    expect(error.code).toBe('CONFIG');
  });
});

describe('transactions', () => {
  it('rolls the trade back when its open position cannot be written', async () => {
    const userId = nextId('user');
    const { intent, trade } = entry(userId);
    await store.journalIntent(intent);
    // The position's exit reference overflows its column after the trade row was inserted.
    const error = await caught(
      store.recordOpenedTrade({
        trade,
        position: position(trade, 'x'.repeat(80)),
        intentClientOrderId: intent.clientOrderId,
      }),
    );
    expect(error.code).toBe('STORE');
    expect(await store.query('select 1 from trades where id = ?', [trade.id])).toEqual([]);
    expect(await store.query('select 1 from open_positions where trade_id = ?', [trade.id])).toEqual([]);
    expect(
      await store.query<{ state: string }>('select state from order_intents where client_order_id = ?', [
        intent.clientOrderId,
      ]),
    ).toEqual([{ state: 'pending' }]);
  });

  it('leaves trade and position untouched when the portfolio cannot take the close', async () => {
    const userId = nextId('user');
    const huge = '999999999999999999';
    const first = entry(userId);
    const second = entry(userId);
    for (const { intent, trade } of [first, second]) {
      await store.journalIntent(intent);
      await store.recordOpenedTrade({
        trade,
        position: position(trade),
        intentClientOrderId: intent.clientOrderId,
      });
    }
    const exit = {
      exitPrice: '50150',
      exitFee: '0',
      exitReason: 'TAKE_PROFIT' as const,
      exitQuantity: '0.002',
      dust: { symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.000001', cost: '0.05' },
      profitLossPercent: '1',
      closedAt: T0 + 60_000,
      durationSeconds: 60,
    };
    await store.recordClosedTrade({ ...exit, tradeId: first.trade.id, profitLoss: huge });
    // The sum would overflow numeric(36,18): the whole close is rolled back.
    const error = await caught(
      store.recordClosedTrade({
        ...exit,
        tradeId: second.trade.id,
        profitLoss: huge,
        dust: { ...exit.dust, quantity: '0.000009' },
      }),
    );
    expect(error.code).toBe('STORE');
    expect((await store.getTrade(userId, second.trade.id))?.status).toBe('filled');
    expect((await store.openPositions(userId)).map((p) => p.tradeId)).toEqual([second.trade.id]);
    const portfolio = await store.getPortfolio(userId);
    expect(portfolio.totalTrades).toBe(1);
    // The first close's dust, not the rolled-back one's.
    expect(portfolio.dust).toEqual([exit.dust]);
  });

  it('refuses an exit update its columns cannot hold, changing nothing', async () => {
    const userId = nextId('user');
    const { intent, trade } = entry(userId);
    await store.journalIntent(intent);
    await store.recordOpenedTrade({
      trade,
      position: position(trade),
      intentClientOrderId: intent.clientOrderId,
    });
    // The take-profit has more decimals than the column keeps: refused before anything is written.
    const error = await caught(
      store.updatePositionExit(trade.id, {
        protection: 'protected',
        exitRef: 'oco-2',
        takeProfit: '50150.0000000000000000001',
        stopLoss: '49750',
      }),
    );
    expect(error.code).toBe('STORE');
    // An exit reference too long for the column fails in the database, inside the transaction.
    const tooLong = await caught(
      store.updatePositionExit(trade.id, {
        protection: 'protected',
        exitRef: 'x'.repeat(80),
        takeProfit: '50160',
        stopLoss: '49760',
      }),
    );
    expect(tooLong.code).toBe('STORE');
    expect(await store.openPositions(userId)).toEqual([position(trade)]);
    expect(await store.getTrade(userId, trade.id)).toEqual(trade);
  });
});

describe('position protection in the schema', () => {
  it('refuses rows whose protection, exit_ref and unprotected_since disagree', async () => {
    const userId = nextId('user');
    const { intent, trade } = entry(userId);
    await store.journalIntent(intent);
    await store.recordOpenedTrade({
      trade,
      position: position(trade),
      intentClientOrderId: intent.clientOrderId,
    });
    for (const change of [
      `protection = 'unprotected'`,
      `exit_ref = null`,
      `unprotected_since = 1`,
      `protection = 'unprotectd', exit_ref = null, unprotected_since = 1`,
    ]) {
      const error = await caught(
        store.query(`update open_positions set ${change} where trade_id = ?`, [trade.id]),
      );
      expect(error.code).toBe('STORE');
    }
    expect(await store.openPositions(userId)).toEqual([position(trade)]);
  });

  it('stores the longest exit reason', async () => {
    const [column] = await store.query<{ character_maximum_length: number }>(
      `select character_maximum_length from information_schema.columns where table_name = 'trades' and column_name = 'exit_reason'`,
    );
    expect(column?.character_maximum_length).toBeGreaterThanOrEqual('EXIT_UNPLACEABLE'.length);
  });
});

describe('upgrading a database from before position protection', () => {
  it('makes its open positions protected, keeps its trades, and can go back down', async () => {
    await store.query('create database upgrade_protection');
    const url = server.url.replace(/\/trd$/, '/upgrade_protection');
    const before = await MikroORM.init(createOrmConfig({ url }));
    try {
      await before.getMigrator().up({ to: 'AnalysisCost20261125' });
      // Rows as the previous schema wrote them.
      const connection = before.em.getConnection();
      await connection.execute(
        `insert into trades (id, user_id, symbol, side, status, quantity, entry_price, entry_fee, take_profit, stop_loss, confidence, client_order_id, exit_ref, opened_at)
         values ('old-trade', 'old-user', 'BTCUSDT', 'buy', 'filled', 0.002, 50000, 0.1, 50150, 49750, 70, 'old-cid', 'old-oco', ?)`,
        [T0],
      );
      await connection.execute(
        `insert into open_positions (trade_id, user_id, symbol, side, quantity, entry_price, take_profit, stop_loss, exit_ref, opened_at)
         values ('old-trade', 'old-user', 'BTCUSDT', 'buy', 0.002, 50000, 50150, 49750, 'old-oco', ?)`,
        [T0],
      );
      await connection.execute(
        `insert into order_intents (client_order_id, user_id, kind, symbol, side, quantity, trade_id, state, confidence, created_at, updated_at)
         values ('old-cid', 'old-user', 'entry', 'BTCUSDT', 'buy', 0.002, 'old-trade', 'open', 70, ?, ?)`,
        [T0, T0],
      );
    } finally {
      await before.close(true);
    }

    const upgraded = await createPostgresStore({ url });
    try {
      const oldTrade = await upgraded.getTrade('old-user', 'old-trade');
      expect(oldTrade).toMatchObject({ status: 'filled', exitRef: 'old-oco', quantity: '0.002' });
      expect(oldTrade?.exitNote).toBeUndefined();
      expect(oldTrade?.exitQuantity).toBeUndefined();
      expect(await upgraded.openPositions('old-user')).toEqual([
        openPositionOf(oldTrade as Trade, { exitRef: 'old-oco' }),
      ]);
      const intent = await upgraded.getIntent('old-cid');
      expect(intent?.takeProfitPercent).toBeUndefined();
      expect((await upgraded.getPortfolio('old-user')).dust).toEqual([]);
      // New rows have no default: the store always says which state a position is in.
      const [column] = await upgraded.query<{ column_default: string | null }>(
        `select column_default from information_schema.columns where table_name = 'open_positions' and column_name = 'protection'`,
      );
      expect(column?.column_default).toBeNull();
      expect(
        (await upgraded.query<{ name: string }>('select name from trd_migrations')).map((m) => m.name),
      ).toEqual(migrations.map((m) => m.name));
    } finally {
      await upgraded.close();
    }

    // Down again: the protected position keeps its exit reference.
    const after = await MikroORM.init(createOrmConfig({ url }));
    try {
      // Down through PositionProtection20261202 (and the migrations after it).
      await after.getMigrator().down({ to: 'PositionProtection20261202' });
      const rows = await after.em
        .getConnection()
        .execute<{ exit_ref: string }[]>(`select exit_ref from open_positions where trade_id = 'old-trade'`);
      expect(rows).toEqual([{ exit_ref: 'old-oco' }]);
      const columns = await after.em
        .getConnection()
        .execute<{ column_name: string }[]>(
          `select column_name from information_schema.columns where table_name = 'open_positions' and column_name in ('protection', 'unprotected_since')`,
        );
      expect(columns).toEqual([]);
    } finally {
      await after.close(true);
    }
  });
});

describe('leases across connections', () => {
  it('splits 300 users between three stores claiming at once, each user to exactly one', async () => {
    const users = Array.from({ length: 300 }, (_, i) => `lease-user-${String(i).padStart(3, '0')}`);
    const clock = new VirtualClock(T0);
    const stores = await Promise.all(
      [0, 1, 2].map(() => createPostgresStore({ url: server.url, clock, poolSize: 2 })),
    );
    try {
      const shuffled = (seed: number) =>
        [...users].sort((a, b) => ((a.charCodeAt(11) * seed) % 7) - ((b.charCodeAt(11) * seed) % 7));
      const held = await Promise.all(
        stores.map((s, i) => s.claimUsers(`engine-${i}`, shuffled(i + 2), 60_000)),
      );
      const all = held.flat();
      expect(all).toHaveLength(300);
      expect(new Set(all).size).toBe(300);
      const rows = await store.query<{ owner: string; count: string }>(
        `select owner, count(*) from user_leases where user_id like 'lease-user-%' group by owner`,
      );
      expect(rows.reduce((sum, row) => sum + Number(row.count), 0)).toBe(300);
      for (const [i, s] of stores.entries()) await s.releaseUsers(`engine-${i}`);
      expect(await store.query(`select 1 from user_leases where user_id like 'lease-user-%'`)).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('fair share across connections', () => {
  it('gives three stores claiming their shares at once 100 users each, in the same order, none twice', async () => {
    const users = Array.from({ length: 300 }, (_, i) => `share-user-${String(i).padStart(3, '0')}`);
    const clock = new VirtualClock(T0);
    const stores = await Promise.all(
      [0, 1, 2].map(() => createPostgresStore({ url: server.url, clock, poolSize: 2 })),
    );
    try {
      const owners = ['share-a', 'share-b', 'share-c'];
      // Every engine registers, then counts the others: three live.
      for (const [i, s] of stores.entries()) await s.liveOwners(owners[i] as string, 60_000);
      expect(await Promise.all(stores.map((s, i) => s.liveOwners(owners[i] as string, 60_000)))).toEqual([
        3, 3, 3,
      ]);
      // Same order everywhere: SKIP LOCKED sends each to the next free users instead of waiting.
      const held = await Promise.all(
        stores.map((s, i) => s.claimUsers(owners[i] as string, users, 60_000, { maxUsers: 100 })),
      );
      expect(held.map((list) => list.length)).toEqual([100, 100, 100]);
      const all = held.flat();
      expect(new Set(all).size).toBe(300);
      const rows = await store.query<{ owner: string; count: string }>(
        `select owner, count(*) from user_leases where user_id like 'share-user-%' group by owner order by owner`,
      );
      expect(rows.map((row) => [row.owner, Number(row.count)])).toEqual([
        ['share-a', 100],
        ['share-b', 100],
        ['share-c', 100],
      ]);
      // share-c stops: its users and its heartbeat go at once.
      await stores[2]?.releaseUsers('share-c');
      expect(await stores[0]?.liveOwners('share-a', 60_000)).toBe(2);
      const [a, b] = await Promise.all(
        [0, 1].map((i) => stores[i]?.claimUsers(owners[i] as string, users, 60_000, { maxUsers: 150 })),
      );
      expect([a?.length, b?.length]).toEqual([150, 150]);
      expect(new Set([...(a ?? []), ...(b ?? [])]).size).toBe(300);
      for (const [i, s] of stores.entries()) await s.releaseUsers(owners[i] as string);
      expect(await store.query(`select 1 from engine_heartbeats where owner like 'share-%'`)).toEqual([]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('connection errors', () => {
  it('fails with a TrdError that does not reveal the password', async () => {
    const error = await caught(createPostgresStore({ url: 'postgres://trd:s3cret-pw@127.0.0.1:1/trd' }));
    expect(error.code).toBe('STORE');
    expect(error.message).toContain('127.0.0.1:1/trd');
    const serialized = `${error.message} ${String(error.cause)} ${JSON.stringify(error)}`;
    expect(serialized).not.toContain('s3cret-pw');
  });

  it('refuses a url that is not a PostgreSQL connection string', async () => {
    expect((await caught(createPostgresStore({ url: 'mysql://localhost/trd' }))).code).toBe('CONFIG');
  });
});

describe('connection settings', () => {
  it('sets a 30 s statement timeout and the application name on every connection', async () => {
    const [row] = await store.query<{ statement_timeout: string; application_name: string }>(
      `select current_setting('statement_timeout') as statement_timeout, current_setting('application_name') as application_name`,
    );
    expect(row).toEqual({ statement_timeout: '30s', application_name: 'trd-store' });
  });

  it('cancels a statement over statementTimeoutMs with a retryable TrdError', async () => {
    const short = await createPostgresStore({ url: server.url, statementTimeoutMs: 200 });
    try {
      const error = await caught(short.query('select pg_sleep(2)'));
      expect(error.code).toBe('STORE');
      expect(error.message).toContain('57014');
      expect(error.isRetryable).toBe(true);
    } finally {
      await short.close();
    }
  });
});
