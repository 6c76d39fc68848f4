import { runStoreConformance } from '@trd/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { startTemporaryPostgres, type TemporaryPostgres } from '../test/support/temporary-postgres';
import { createPostgresStore, type PostgresStore } from './postgres-store';

let server: TemporaryPostgres;

beforeAll(async () => {
  server = await startTemporaryPostgres();
});

afterAll(async () => {
  await server?.destroy();
});

runStoreConformance<PostgresStore>({
  name: 'PostgreSQL store',
  create: ({ clock }) => createPostgresStore({ url: server.url, clock }),
  // Direct SQL on the tables, past the store's mapping.
  readBack: (store) => ({
    async trade(tradeId) {
      const [row] = await store.query<{ status: string; quantity: string; profit_loss: string | null }>(
        'select status, quantity, profit_loss from trades where id = ?',
        [tradeId],
      );
      return row ? { status: row.status, quantity: row.quantity, profitLoss: row.profit_loss } : null;
    },
    async openPositionExists(tradeId) {
      const rows = await store.query('select 1 from open_positions where trade_id = ?', [tradeId]);
      return rows.length === 1;
    },
    async intentState(clientOrderId) {
      const [row] = await store.query<{ state: string }>(
        'select state from order_intents where client_order_id = ?',
        [clientOrderId],
      );
      return row?.state ?? null;
    },
    async positionProtection(tradeId) {
      const [row] = await store.query<{
        protection: string;
        exit_ref: string | null;
        trade_exit_ref: string | null;
      }>(
        `select p.protection, p.exit_ref, t.exit_ref as trade_exit_ref
         from open_positions p join trades t on t.id = p.trade_id where p.trade_id = ?`,
        [tradeId],
      );
      return row
        ? { protection: row.protection, exitRef: row.exit_ref, tradeExitRef: row.trade_exit_ref }
        : null;
    },
    async dust(userId, symbol) {
      const [row] = await store.query<{ quantity: string; cost: string }>(
        'select quantity, cost from portfolio_dust where user_id = ? and symbol = ?',
        [userId, symbol],
      );
      return row ?? null;
    },
    async portfolio(userId) {
      const [row] = await store.query<{ total_trades: number; total_realized_pnl: string }>(
        'select total_trades, total_realized_pnl from portfolio where user_id = ?',
        [userId],
      );
      return row ? { totalTrades: row.total_trades, totalRealizedPnl: row.total_realized_pnl } : null;
    },
  }),
});
