import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  type AnalysisRecord,
  analysisRecordSchema,
  applyConfigChanges,
  type Clock,
  ConfigError,
  ConflictError,
  type DustHolding,
  dec,
  dustHoldingSchema,
  exitReasonSchema,
  isWinningTrade,
  NotFoundError,
  type OpenPosition,
  type OrderIntentState,
  openPositionSchema,
  orderIntentSchema,
  orderIntentStateSchema,
  type PositionExitUpdate,
  type Store,
  type Trade,
  type TradeExit,
  type TradePage,
  toDecimalString,
  tradeSchema,
  tradingConfigSchema,
} from '@trd/core';
import type { z } from 'zod';
import type { TradeRow, TradingConfigRow } from './entities';
import {
  AnalysisRecordEntity,
  OpenPositionEntity,
  OrderIntentEntity,
  PortfolioDustEntity,
  PortfolioEntity,
  TradeEntity,
  TradingConfigEntity,
} from './entities';
import { createGroupedStatements, type PositionExitColumns } from './grouped-statements';
import { preparedStatements } from './prepared-statements';
import { type RawRows, rawRowsOf, textArray } from './raw-rows';
import {
  analysisToRow,
  configToRow,
  intentToRow,
  moneyValue,
  positionToRow,
  rowToAnalysis,
  rowToConfig,
  rowToDust,
  rowToIntent,
  rowToPosition,
  rowToTrade,
  tradeToRow,
} from './row-mapping';
import { guarded, invalidInput, isUniqueViolation, violatedConstraint } from './store-errors';

const UNFINISHED_STATES: OrderIntentState[] = ['pending', 'entered'];

/** Parses input with the domain schema: bad input is refused with a clear message before any write. */
function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(
      `invalid ${what}: ${issue ? `${issue.path.join('.') || 'value'} ${issue.message}` : 'rejected'}`,
    );
  }
  return result.data;
}

/** The order of `recentClosedTrades`: close time, then opening time, then id (as JavaScript compares), newest first. */
function newestClosedFirst(a: Trade, b: Trade): number {
  return (b.closedAt ?? 0) - (a.closedAt ?? 0) || b.openedAt - a.openedAt || byString(b.id, a.id);
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The core `Store` methods on MikroORM. Each call runs on its own fork of the entity manager. */
export function createTradingStore(
  orm: MikroORM,
  clock: Clock,
): Omit<Store, 'claimUsers' | 'releaseUsers' | 'liveOwners' | 'close'> {
  const fork = (): EntityManager => orm.em.fork();
  const knex = orm.em.getConnection().getKnex();
  /**
   * One raw statement (`?` placeholders) and its rows, with real bind parameters (PostgreSQL's
   * extended protocol), as a named prepared statement: parsed and planned once per connection.
   * Not `em.execute`: MikroORM inlines every parameter into the SQL text as an escaped literal,
   * character by character, which for a batch of 1,000 analyses (300 kB of JSON) costs more
   * than the insert. No entity manager fork, no identity map.
   */
  const select = preparedStatements(knex);
  /** As `select`, unprepared: for a statement whose text varies with its input (`updateConfig`). */
  const selectOnce = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    ((await knex.raw(sql, params as never[])) as { rows: T[] }).rows;
  const configRows = rawRowsOf(orm, TradingConfigEntity);
  const intentRows = rawRowsOf(orm, OrderIntentEntity);
  const tradeRows = rawRowsOf(orm, TradeEntity);
  const positionRows = rawRowsOf(orm, OpenPositionEntity);
  const portfolioRows = rawRowsOf(orm, PortfolioEntity);
  const analysisRows = rawRowsOf(orm, AnalysisRecordEntity);
  const dustRows = rawRowsOf(orm, PortfolioDustEntity);
  const grouped = createGroupedStatements(
    select,
    {
      intents: intentRows,
      trades: tradeRows,
      positions: positionRows,
      portfolios: portfolioRows,
      analyses: analysisRows,
    },
    () => clock.now(),
  );

  return {
    specificationVersion: 'v1',

    getConfig: (userId) =>
      guarded('getConfig', async () => {
        const [raw] = await select(
          `select ${configRows.columns()} from "trading_configs" where "user_id" = ?`,
          [userId],
        );
        return raw ? rowToConfig(configRows.read(raw)) : null;
      }),

    saveConfig: (config) =>
      guarded('saveConfig', async () => {
        const parsed = tradingConfigSchema.safeParse(config);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ConfigError(
            `invalid trading config: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'rejected'}`,
          );
        }
        await fork().upsert(TradingConfigEntity, configToRow(parsed.data, clock.now()));
      }),

    updateConfig: (userId, changes, initial) =>
      guarded('updateConfig', async () => {
        // Validated against the stored config (or `initial`), then one statement writes only the
        // changed columns: concurrent updates of other fields cannot be lost.
        const [stored] = await select(
          `select ${configRows.columns()} from "trading_configs" where "user_id" = ?`,
          [userId],
        );
        const current = stored ? rowToConfig(configRows.read(stored)) : null;
        const { config, changed } = applyConfigChanges(userId, current, changes, initial);
        const row = configToRow(config, clock.now());
        const assignments = ['updatedAt', ...changed]
          .map((property) => configRows.columnOf(property as keyof TradingConfigRow))
          .map((column) => `"${column}" = excluded."${column}"`)
          .join(', ');
        const [raw] = await selectOnce(
          `${configRows.insert} on conflict ("user_id") do update set ${assignments} returning ${configRows.columns()}`,
          configRows.values(row),
        );
        return rowToConfig(configRows.read(raw as Record<string, unknown>));
      }),

    activeConfigs: () =>
      guarded('activeConfigs', async () => {
        // Raw rows, not managed entities: this runs every cycle over every active user.
        const rows = await select(
          `select ${configRows.columns()} from "trading_configs" where "is_active" = true order by "user_id"`,
        );
        // Sorted here too, not only by the column's "C" collation, so every store orders ids alike.
        return rows
          .map((raw) => rowToConfig(configRows.read(raw)))
          .sort((a, b) => byString(a.userId, b.userId));
      }),

    journalIntent: (intent, options) =>
      guarded('journalIntent', async () => {
        const row = intentToRow(validated(orderIntentSchema, intent, 'order intent'));
        const approval = options?.analysis;
        const analysis = approval
          ? analysisToRow(validated(analysisRecordSchema, approval, 'analysis record'))
          : undefined;
        try {
          await grouped.journal(analysis ? { intent: row, analysis } : { intent: row });
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ConflictError(
              violatedConstraint(error)?.startsWith('analysis_records')
                ? `analysis ${approval?.id} is already recorded; order intent ${intent.clientOrderId} was not journalled`
                : `order intent ${intent.clientOrderId} is already journalled`,
            );
          throw error;
        }
      }),

    updateIntent: (clientOrderId, patch) =>
      guarded('updateIntent', async () => {
        const state = validated(orderIntentStateSchema, patch.state, 'intent state');
        if (!Number.isInteger(patch.updatedAt)) throw invalidInput('intent updatedAt must be Unix ms');
        const withError = patch.error !== undefined;
        const updated = await select(
          `update "order_intents" set "state" = ?, "updated_at" = ?${withError ? ', "error" = ?' : ''}
           where "client_order_id" = ? returning "client_order_id"`,
          withError
            ? [state, patch.updatedAt, patch.error, clientOrderId]
            : [state, patch.updatedAt, clientOrderId],
        );
        if (updated.length === 0) throw new NotFoundError(`no order intent ${clientOrderId}`);
      }),

    getIntent: (clientOrderId) =>
      guarded('getIntent', async () => {
        const [raw] = await select(
          `select ${intentRows.columns()} from "order_intents" where "client_order_id" = ?`,
          [clientOrderId],
        );
        return raw ? rowToIntent(intentRows.read(raw)) : null;
      }),

    unfinishedIntents: (userId) =>
      guarded('unfinishedIntents', async () => {
        const rows = await select(
          `select ${intentRows.columns()} from "order_intents" where "state" in (${UNFINISHED_STATES.map(() => '?').join(', ')})${userId === undefined ? '' : ' and "user_id" = ?'}
           order by "created_at", "client_order_id"`,
          userId === undefined ? [...UNFINISHED_STATES] : [...UNFINISHED_STATES, userId],
        );
        return rows.map((raw) => rowToIntent(intentRows.read(raw)));
      }),

    recordOpenedTrade: (input) =>
      guarded('recordOpenedTrade', async () => {
        const trade = tradeToRow(validated(tradeSchema, input.trade, 'trade'));
        const position = positionToRow(validated(openPositionSchema, input.position, 'open position'));
        if (position.tradeId !== trade.id)
          throw invalidInput(`position is for trade ${position.tradeId}, not ${trade.id}`);
        // Trade, position and journal state: all three or none, in ONE statement (a statement is
        // atomic, and this saves BEGIN and COMMIT), grouped with concurrent fills (group-commit.ts).
        // A duplicate trade id, a value a column cannot hold or the protection check fails it,
        // intent update included.
        let found: boolean;
        try {
          found = await grouped.openTrade({
            trade,
            position,
            intentClientOrderId: input.intentClientOrderId,
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError(`trade ${trade.id} is already recorded`);
          throw error;
        }
        if (!found) throw new NotFoundError(`no order intent ${input.intentClientOrderId}`);
      }),

    recordClosedTrade: (exit) =>
      guarded('recordClosedTrade', () => recordClosedTrade(fork(), tradeRows, exit)),

    updatePositionExit: (tradeId, update) =>
      guarded('updatePositionExit', () => grouped.positionExit(exitColumns(tradeId, update))),

    recordFailedTrade: (trade) =>
      guarded('recordFailedTrade', async () => {
        const row = tradeToRow({ ...validated(tradeSchema, trade, 'trade'), status: 'failed' });
        try {
          await select(tradeRows.insert, tradeRows.values(row));
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError(`trade ${trade.id} is already recorded`);
          throw error;
        }
      }),

    getTrade: (userId, tradeId) =>
      guarded('getTrade', async () => {
        const [raw] = await select(
          `select ${tradeRows.columns()} from "trades" where "id" = ? and "user_id" = ?`,
          [tradeId, userId],
        );
        return raw ? rowToTrade(tradeRows.read(raw)) : null;
      }),

    listTrades: (userId, page) =>
      guarded('listTrades', async (): Promise<TradePage> => {
        const limit = Math.max(0, Math.floor(page.limit));
        const offset = Math.max(0, Math.floor(page.offset));
        const where = page.status === undefined ? `"user_id" = ?` : `"user_id" = ? and "status" = ?`;
        const params = page.status === undefined ? [userId] : [userId, page.status];
        // The total and the page in one statement (one snapshot, one round trip): the count is the
        // one row on the left, so it comes back even when the page is empty.
        const rows = await select<Record<string, unknown> & { total: number }>(
          `select "counted"."total", ${tradeRows.columns('page')}
           from (select count(*)::int as "total" from "trades" where ${where}) as "counted"
           left join lateral (
             select * from "trades" where ${where} order by "opened_at" desc, "id" desc limit ? offset ?
           ) as "page" on true
           order by "page"."opened_at" desc, "page"."id" desc`,
          [...params, ...params, limit, offset],
        );
        const total = rows[0]?.total ?? 0;
        const trades = rows.filter((raw) => raw.id !== null).map((raw) => rowToTrade(tradeRows.read(raw)));
        return { trades, total };
      }),

    recentClosedTrades: (userId, limit) =>
      guarded('recentClosedTrades', async () => {
        if (limit <= 0) return [];
        const rows = await select(
          `select ${tradeRows.columns()} from "trades" where "user_id" = ? and "status" = 'closed'
           order by "closed_at" desc, "opened_at" desc, "id" desc limit ?`,
          [userId, Math.floor(limit)],
        );
        return rows.map((raw) => rowToTrade(tradeRows.read(raw)));
      }),

    countTradesSince: (userId, since) =>
      guarded('countTradesSince', async () => {
        const [row] = await select<{ count: number }>(
          `select count(*)::int as "count" from "trades" where "user_id" = ? and "opened_at" >= ? and "status" <> 'failed'`,
          [userId, since],
        );
        return row?.count ?? 0;
      }),

    recentClosedTradesOf: (userIds, limit) =>
      guarded('recentClosedTradesOf', async () => {
        const result = new Map<string, Trade[]>(userIds.map((userId) => [userId, []]));
        if (limit <= 0 || result.size === 0) return result;
        // One statement for every user: for each user id, its last `limit` closed trades in the
        // order of recentClosedTrades (close time, then opening time, then id, newest first),
        // read straight off trades_user_closed_recent_index: `limit` index entries per user,
        // however long the history. (A `row_number() over (partition by user_id …)` window
        // gives the same rows but reads every closed trade of every user: 3× slower at 50
        // closes each, and growing with the history; see the README's plans.)
        const rows = await select(
          `select ${tradeRows.columns('recent')} from unnest(?::text[]) as "wanted"("user_id")
           cross join lateral (
             select * from "trades" where "user_id" = "wanted"."user_id" and "status" = 'closed'
             order by "closed_at" desc, "opened_at" desc, "id" desc limit ?
           ) as "recent"`,
          [textArray([...result.keys()]), Math.floor(limit)],
        );
        for (const raw of rows) {
          const trade = rowToTrade(tradeRows.read(raw));
          result.get(trade.userId)?.push(trade);
        }
        // SQL guarantees which rows; the order of a join's output it does not: sort each list
        // (at most `limit` trades) by the same rule.
        for (const trades of result.values()) trades.sort(newestClosedFirst);
        return result;
      }),

    countTradesSinceOf: (userIds, since) =>
      guarded('countTradesSinceOf', async () => {
        const result = new Map<string, number>(userIds.map((userId) => [userId, 0]));
        if (result.size === 0) return result;
        // The rule of countTradesSince (every status but failed, opened at or after `since`), grouped.
        const rows = await select<{ user_id: string; count: number }>(
          `select "user_id", count(*)::int as "count" from "trades"
           where "user_id" = any(?::text[]) and "opened_at" >= ? and "status" <> 'failed'
           group by "user_id"`,
          [textArray([...result.keys()]), since],
        );
        for (const row of rows) result.set(row.user_id, row.count);
        return result;
      }),

    dustOf: (userIds) =>
      guarded('dustOf', async () => {
        const result = new Map<string, DustHolding[]>(userIds.map((userId) => [userId, []]));
        if (result.size === 0) return result;
        const rows = await select(
          `select ${dustRows.columns()} from "portfolio_dust" where "user_id" = any(?::text[]) order by "user_id", "symbol"`,
          [textArray([...result.keys()])],
        );
        for (const raw of rows) {
          const row = dustRows.read(raw);
          result.get(row.userId)?.push(rowToDust(row));
        }
        return result;
      }),

    openPositions: (userId) =>
      guarded('openPositions', async (): Promise<OpenPosition[]> => {
        const rows = await select(
          `select ${positionRows.columns()} from "open_positions"${userId === undefined ? '' : ' where "user_id" = ?'}
           order by "opened_at", "trade_id"`,
          userId === undefined ? [] : [userId],
        );
        return rows.map((raw) => rowToPosition(positionRows.read(raw)));
      }),

    getPortfolio: (userId) =>
      // One statement, so one snapshot: totals and dust from the same closes, grouped with
      // concurrent reads. Amounts leave as text: a JSON number would lose digits.
      guarded('getPortfolio', () => grouped.portfolio(userId)),

    recordAnalysis: (record) =>
      guarded('recordAnalysis', async () => {
        const row = analysisToRow(validated(analysisRecordSchema, record, 'analysis record'));
        try {
          await select(analysisRows.insert, analysisRows.values(row));
        } catch (error) {
          if (isUniqueViolation(error)) throw new ConflictError(`analysis ${record.id} is already recorded`);
          throw error;
        }
      }),

    recordAnalyses: (records) =>
      guarded('recordAnalyses', async () => {
        if (records.length === 0) return;
        const seen = new Set<string>();
        const rows = records.map((record) => {
          if (seen.has(record.id)) throw new ConflictError(`analysis ${record.id} is twice in the batch`);
          seen.add(record.id);
          return analysisToRow(validated(analysisRecordSchema, record, 'analysis record'));
        });
        // One statement, one array parameter per column however many records (unnest: 1.5× faster
        // than json_populate_recordset, 4× faster than 21 placeholders a row): all rows or, on any
        // existing id (a unique violation), none. Concurrent calls share it (each call's rows
        // stay together; a refused group is retried call by call).
        try {
          await grouped.analyses(rows);
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ConflictError(`an analysis of the batch is already recorded; nothing was written`);
          throw error;
        }
      }),

    recentAnalyses: (userId, limit) =>
      guarded('recentAnalyses', async (): Promise<AnalysisRecord[]> => {
        if (limit <= 0) return [];
        const rows = await select(
          `select ${analysisRows.columns()} from "analysis_records" where "user_id" = ?
           order by "created_at" desc, "id" desc limit ?`,
          [userId, Math.floor(limit)],
        );
        return rows.map((raw) => rowToAnalysis(analysisRows.read(raw)));
      }),

    listAnalyses: (userId, page) =>
      guarded('listAnalyses', async (): Promise<AnalysisRecord[]> => {
        const limit = Math.floor(page.limit);
        if (!(limit > 0)) return [];
        const where = ['"user_id" = ?'];
        const params: unknown[] = [userId];
        const { before, symbol } = page;
        // Ids compare byte-wise (collate "C"), as JavaScript compares them in the memory store.
        if (before?.id !== undefined) {
          where.push(`("created_at" < ? or ("created_at" = ? and "id" collate "C" < ?))`);
          params.push(before.createdAt, before.createdAt, before.id);
        } else if (before !== undefined) {
          where.push('"created_at" < ?');
          params.push(before.createdAt);
        }
        if (symbol !== undefined) {
          where.push('"symbol" = ?');
          params.push(symbol);
        }
        const rows = await select(
          `select ${analysisRows.columns()} from "analysis_records" where ${where.join(' and ')}
           order by "created_at" desc, "id" collate "C" desc limit ?`,
          [...params, limit],
        );
        return rows.map((raw) => rowToAnalysis(analysisRows.read(raw)));
      }),
  };
}

/**
 * Exit, position removal and portfolio totals in one transaction. Deleting the open position
 * first takes its row lock, so of two concurrent closes exactly one finds the position and the
 * other gets a `ConflictError`: a close is never counted twice.
 */
async function recordClosedTrade(
  root: EntityManager,
  tradeRows: RawRows<TradeRow>,
  exit: TradeExit,
): Promise<Trade> {
  const exitReason = validated(exitReasonSchema, exit.exitReason, 'exit reason');
  const exitPrice = moneyValue('exitPrice', exit.exitPrice);
  const exitFee = moneyValue('exitFee', exit.exitFee);
  const profitLoss = moneyValue('profitLoss', exit.profitLoss);
  const profitLossPercent = moneyValue('profitLossPercent', exit.profitLossPercent);
  const exitQuantity = exit.exitQuantity === undefined ? null : moneyValue('exitQuantity', exit.exitQuantity);
  if (exit.exitNote !== undefined && typeof exit.exitNote !== 'string')
    throw invalidInput('exitNote must be a string');
  // Callers built before dust tracking send none: the holding is then left as it is.
  const dust = exit.dust === undefined ? undefined : dustValue(exit.dust);
  if (
    !Number.isInteger(exit.closedAt) ||
    !Number.isInteger(exit.durationSeconds) ||
    exit.durationSeconds < 0
  ) {
    throw invalidInput('closedAt must be Unix ms and durationSeconds a non-negative integer');
  }

  return root.transactional(async (em) => {
    const removed = await em.execute(
      `delete from "open_positions" where "trade_id" = ? returning "trade_id"`,
      [exit.tradeId],
    );
    const [raw] = await em.execute(`select ${tradeRows.columns()} from "trades" where "id" = ? for update`, [
      exit.tradeId,
    ]);
    const trade = raw ? tradeRows.read(raw) : null;
    if (!trade || removed.length === 0 || trade.status !== 'filled') {
      throw new ConflictError(
        `trade ${exit.tradeId} is not open${trade ? ` (status ${trade.status})` : ''}; nothing was closed`,
      );
    }
    if (dust && dust.symbol !== trade.symbol)
      throw invalidInput(`dust of trade ${trade.id} is for ${dust.symbol}, the trade for ${trade.symbol}`);

    const closed = {
      status: 'closed',
      exitPrice,
      exitFee,
      exitReason,
      exitNote: exit.exitNote ?? null,
      exitQuantity,
      profitLoss,
      profitLossPercent,
      closedAt: exit.closedAt,
      durationSeconds: exit.durationSeconds,
    };
    await em.execute(
      `update "trades" set "status" = ?, "exit_price" = ?, "exit_fee" = ?, "exit_reason" = ?, "exit_note" = ?,
         "exit_quantity" = ?, "profit_loss" = ?, "profit_loss_percent" = ?, "closed_at" = ?, "duration_seconds" = ?
       where "id" = ?`,
      [
        closed.status,
        closed.exitPrice,
        closed.exitFee,
        closed.exitReason,
        closed.exitNote,
        closed.exitQuantity,
        closed.profitLoss,
        closed.profitLossPercent,
        closed.closedAt,
        closed.durationSeconds,
        exit.tradeId,
      ],
    );

    const pnl = dec(profitLoss);
    const fees = moneyValue('totalFees', toDecimalString(dec(trade.entryFee).plus(exitFee)));
    // Sums are done by PostgreSQL on numeric columns: exact, and atomic under concurrent closes.
    await em.execute(
      `insert into "portfolio" ("user_id", "total_trades", "winning_trades", "losing_trades", "win_rate", "total_realized_pnl", "total_fees", "updated_at")
       values (?, 1, ?, ?, ?, ?, ?, ?)
       on conflict ("user_id") do update set
         "total_trades" = "portfolio"."total_trades" + 1,
         "winning_trades" = "portfolio"."winning_trades" + excluded."winning_trades",
         "losing_trades" = "portfolio"."losing_trades" + excluded."losing_trades",
         "win_rate" = round(100.0 * ("portfolio"."winning_trades" + excluded."winning_trades") / ("portfolio"."total_trades" + 1), 4),
         "total_realized_pnl" = "portfolio"."total_realized_pnl" + excluded."total_realized_pnl",
         "total_fees" = "portfolio"."total_fees" + excluded."total_fees",
         "updated_at" = greatest("portfolio"."updated_at", excluded."updated_at")`,
      [
        trade.userId,
        // Core's one definition: a trade that did not make money counts as a loss.
        isWinningTrade(pnl) ? 1 : 0,
        isWinningTrade(pnl) ? 0 : 1,
        isWinningTrade(pnl) ? 100 : 0,
        profitLoss,
        fees,
        exit.closedAt,
      ],
    );
    // After the portfolio row it references. The exit says what is left: set, not added.
    if (dust && dec(dust.quantity).isZero()) {
      await em.execute(`delete from "portfolio_dust" where "user_id" = ? and "symbol" = ?`, [
        trade.userId,
        trade.symbol,
      ]);
    } else if (dust) {
      await em.execute(
        `insert into "portfolio_dust" ("user_id", "symbol", "asset", "quantity", "cost") values (?, ?, ?, ?, ?)
         on conflict ("user_id", "symbol") do update set
           "asset" = excluded."asset", "quantity" = excluded."quantity", "cost" = excluded."cost"`,
        [trade.userId, trade.symbol, dust.asset, dust.quantity, dust.cost],
      );
    }
    return rowToTrade({ ...trade, ...closed });
  });
}

/** A dust holding checked against the schema and the money columns, never negative. */
function dustValue(dust: DustHolding): DustHolding {
  const parsed = validated(dustHoldingSchema, dust, 'dust');
  const quantity = moneyValue('dust.quantity', parsed.quantity);
  const cost = moneyValue('dust.cost', parsed.cost);
  if (dec(quantity).isNegative() || dec(cost).isNegative())
    throw invalidInput(`dust of ${parsed.symbol} must not be negative`);
  return { ...parsed, quantity, cost };
}

/** The protection columns an exit update writes, refused (nothing written) when they contradict. */
function exitColumns(tradeId: string, update: PositionExitUpdate): PositionExitColumns {
  if (update.protection === 'protected') {
    if (typeof update.exitRef !== 'string' || update.exitRef.length === 0)
      throw invalidInput(`exit update of trade ${tradeId}: a protected position needs its exitRef`);
    return {
      tradeId,
      protection: 'protected',
      exitRef: update.exitRef,
      unprotectedSince: null,
      takeProfit: moneyValue('takeProfit', update.takeProfit),
      stopLoss: moneyValue('stopLoss', update.stopLoss),
    };
  }
  if (update.protection === 'unprotected') {
    if (!Number.isInteger(update.since))
      throw invalidInput(`exit update of trade ${tradeId}: since must be Unix ms`);
    return {
      tradeId,
      protection: 'unprotected',
      exitRef: null,
      unprotectedSince: update.since,
      takeProfit: null,
      stopLoss: null,
    };
  }
  throw invalidInput(`exit update of trade ${tradeId}: unknown protection`);
}
