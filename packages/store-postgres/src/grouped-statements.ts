import { emptyPortfolio, NotFoundError, type OpenPosition, type PortfolioStats } from '@trd/core';
import type {
  AnalysisRecordRow,
  OpenPositionRow,
  OrderIntentRow,
  PortfolioDustRow,
  PortfolioRow,
  TradeRow,
} from './entities';
import { groupCommit } from './group-commit';
import { type RawRows, textArray } from './raw-rows';
import { rowToPortfolio, rowToPosition } from './row-mapping';

/** One raw statement (`?` placeholders) with real bind parameters, and its rows. */
export type Select = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface TableRows {
  intents: RawRows<OrderIntentRow>;
  trades: RawRows<TradeRow>;
  positions: RawRows<OpenPositionRow>;
  portfolios: RawRows<PortfolioRow>;
  analyses: RawRows<AnalysisRecordRow>;
}

/** An intent to journal, and the analysis record that approved it (written with it). */
export interface JournalRows {
  intent: OrderIntentRow;
  analysis?: AnalysisRecordRow;
}

/** An open trade to record: its trade, its position and the intent that becomes `open`. */
export interface OpenedTradeRows {
  trade: TradeRow;
  position: OpenPositionRow;
  intentClientOrderId: string;
}

/** The protection columns of one `updatePositionExit`. */
export interface PositionExitColumns {
  tradeId: string;
  protection: string;
  exitRef: string | null;
  unprotectedSince: number | null;
  takeProfit: string | null;
  stopLoss: string | null;
}

/** Groups of a few hundred rows: statements stay small (well under the timeout and any parameter limit). */
const MAX_ROWS = 500;
/** Analysis batches are already up to 1,000 records each: a group takes a few of them. */
const MAX_ANALYSIS_ROWS = 2_000;

/**
 * The statements a trade's life runs once per user (the journal before the order, the trade and
 * position at fill, the exit that protects it, the dust read before the exit, the decision's
 * record) with concurrent calls grouped into one statement each (see `group-commit.ts`). Each
 * statement keeps the contract of its `Store` method per call: a group does for every call in it
 * exactly what the one-call statement does.
 */
export function createGroupedStatements(select: Select, rows: TableRows, now: () => number) {
  const { intents, trades, positions, portfolios, analyses } = rows;
  let nextAnalysisCall = 0;

  const portfolioColumns = `${portfolios.columns('p')}, coalesce((
      select json_agg(json_build_object('userId', "d"."user_id", 'symbol', "d"."symbol", 'asset', "d"."asset",
        'quantity', "d"."quantity"::text, 'cost', "d"."cost"::text))
      from "portfolio_dust" as "d" where "d"."user_id" = "p"."user_id"
    ), '[]'::json) as "dust_rows"`;
  type PortfolioRaw = Record<string, unknown> & { dust_rows: PortfolioDustRow[] };

  const journalSql = `with "approval" as (${analyses.insertMany}) ${intents.insertMany}`;
  const journalStatement = async (group: readonly JournalRows[]) => {
    const approvals = group.flatMap((input) => (input.analysis ? [input.analysis] : []));
    await select(journalSql, [
      ...analyses.columnArrays(approvals),
      ...intents.columnArrays(group.map((input) => input.intent)),
    ]);
  };

  return {
    /**
     * Writes journalled intents, each with the analysis that approved it when given, in one
     * statement (all or nothing per call: a statement is atomic); a unique violation of either
     * reaches the caller.
     */
    journal: groupCommit<JournalRows, void>({
      key: (input) => input.intent.clientOrderId,
      maxRows: MAX_ROWS,
      one: async (input) => journalStatement([input]),
      many: async (group) => {
        await journalStatement(group);
        return group.map(() => undefined);
      },
    }),

    /**
     * Trade, position and journal state: all three or none, per call. Resolves false when the
     * intent does not exist (nothing written for that call).
     */
    openTrade: groupCommit<OpenedTradeRows, boolean>({
      key: (input) => input.intentClientOrderId,
      maxRows: MAX_ROWS,
      one: async ({ trade, position, intentClientOrderId }) => {
        // The trade and the position are inserted only when the intent was found; the journal's
        // time never goes backwards: the later of its last update and the fill.
        const [row] = await select<{ intents: number }>(
          `with "intent" as (
             update "order_intents" set "state" = 'open', "updated_at" = greatest("updated_at", ?)
             where "client_order_id" = ? returning "client_order_id"
           ), "trade" as (
             insert into "trades" (${trades.columns()})
             select ${trades.typedPlaceholders} where exists (select 1 from "intent")
             returning "id"
           ), "position" as (
             insert into "open_positions" (${positions.columns()})
             select ${positions.typedPlaceholders} where exists (select 1 from "trade")
             returning "trade_id"
           )
           select (select count(*)::int from "intent") as "intents"`,
          [trade.openedAt, intentClientOrderId, ...trades.values(trade), ...positions.values(position)],
        );
        return row?.intents === 1;
      },
      many: async (group) => {
        // The same per row: a trade only where its intent was updated, a position only where its
        // trade was inserted. A duplicate trade id refuses the whole group (then retried alone).
        const found = await select<{ intent_id: string }>(
          `with "wanted" as (
             select * from unnest(?::text[], ?::text[], ?::bigint[]) as "w"("intent_id", "trade_id", "filled_at")
           ), "intent" as (
             update "order_intents" as "o" set "state" = 'open', "updated_at" = greatest("o"."updated_at", "w"."filled_at")
             from "wanted" as "w" where "o"."client_order_id" = "w"."intent_id"
             returning "w"."intent_id", "w"."trade_id"
           ), "trade" as (
             insert into "trades" (${trades.columns()})
             select * from ${trades.unnestAs('u')} where "u"."id" in (select "trade_id" from "intent")
             returning "id"
           ), "position" as (
             insert into "open_positions" (${positions.columns()})
             select * from ${positions.unnestAs('u')} where "u"."trade_id" in (select "id" from "trade")
             returning "trade_id"
           )
           select "intent_id" from "intent"`,
          [
            textArray(group.map((input) => input.intentClientOrderId)),
            textArray(group.map((input) => input.trade.id)),
            `{${group.map((input) => input.trade.openedAt).join(',')}}`,
            ...trades.columnArrays(group.map((input) => input.trade)),
            ...positions.columnArrays(group.map((input) => input.position)),
          ],
        );
        const recorded = new Set(found.map((row) => row.intent_id));
        return group.map((input) => recorded.has(input.intentClientOrderId));
      },
    }),

    /**
     * The position's new protection and its trade's exit, per call; `NotFoundError` for a trade
     * without an open position. The UPDATE takes the position's row lock, which orders it against
     * a concurrent close (that deletes the row first).
     */
    positionExit: groupCommit<PositionExitColumns, OpenPosition>({
      key: (input) => input.tradeId,
      maxRows: MAX_ROWS,
      one: async (input) => {
        const [raw] = await select(
          `with "position" as (
             update "open_positions" set "protection" = ?, "exit_ref" = ?, "unprotected_since" = ?,
               "take_profit" = coalesce(?::numeric, "take_profit"), "stop_loss" = coalesce(?::numeric, "stop_loss")
             where "trade_id" = ?
             returning ${positions.columns()}
           ), ${tradeExitFromPosition}
           select * from "position"`,
          [
            input.protection,
            input.exitRef,
            input.unprotectedSince,
            input.takeProfit,
            input.stopLoss,
            input.tradeId,
          ],
        );
        if (!raw) throw new NotFoundError(`trade ${input.tradeId} has no open position`);
        return rowToPosition(positions.read(raw));
      },
      many: async (group) => {
        const updated = await select(
          `with "wanted" as (
             select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::numeric[], ?::numeric[])
               as "w"("trade_id", "protection", "exit_ref", "unprotected_since", "take_profit", "stop_loss")
           ), "position" as (
             update "open_positions" as "p" set "protection" = "w"."protection", "exit_ref" = "w"."exit_ref",
               "unprotected_since" = "w"."unprotected_since",
               "take_profit" = coalesce("w"."take_profit", "p"."take_profit"),
               "stop_loss" = coalesce("w"."stop_loss", "p"."stop_loss")
             from "wanted" as "w" where "p"."trade_id" = "w"."trade_id"
             returning ${positions.columns('p')}
           ), ${tradeExitFromPosition}
           select * from "position"`,
          [
            textArray(group.map((input) => input.tradeId)),
            textArray(group.map((input) => input.protection)),
            nullableArray(group.map((input) => input.exitRef)),
            nullableArray(group.map((input) => input.unprotectedSince)),
            nullableArray(group.map((input) => input.takeProfit)),
            nullableArray(group.map((input) => input.stopLoss)),
          ],
        );
        const byTrade = new Map(updated.map((raw) => [raw.trade_id as string, raw]));
        return group.map((input) => {
          const raw = byTrade.get(input.tradeId);
          return raw
            ? rowToPosition(positions.read(raw))
            : new NotFoundError(`trade ${input.tradeId} has no open position`);
        });
      },
    }),

    /** One user's portfolio: totals and dust from one snapshot. */
    portfolio: groupCommit<string, PortfolioStats>({
      key: (userId) => userId,
      read: true,
      maxRows: MAX_ROWS,
      one: async (userId) => {
        const [raw] = await select<PortfolioRaw>(
          `select ${portfolioColumns} from "portfolio" as "p" where "p"."user_id" = ?`,
          [userId],
        );
        return raw ? rowToPortfolio(portfolios.read(raw), raw.dust_rows) : emptyPortfolio(userId, now());
      },
      many: async (userIds) => {
        const found = await select<PortfolioRaw>(
          `select ${portfolioColumns} from "portfolio" as "p" where "p"."user_id" = any(?::text[])`,
          [textArray(userIds)],
        );
        const byUser = new Map(found.map((raw) => [raw.user_id as string, raw]));
        return userIds.map((userId) => {
          const raw = byUser.get(userId);
          return raw ? rowToPortfolio(portfolios.read(raw), raw.dust_rows) : emptyPortfolio(userId, now());
        });
      },
    }),

    /** One call's analysis records, all or none; a unique violation reaches the caller. */
    analyses: groupCommit<readonly AnalysisRecordRow[], void>({
      // Calls never conflict by key: a repeated id is a unique violation, and then each call
      // runs alone and only the one that repeats it fails.
      key: () => `call-${nextAnalysisCall++}`,
      rows: (records) => records.length,
      maxRows: MAX_ANALYSIS_ROWS,
      one: async (records) => {
        await select(analyses.insertMany, analyses.columnArrays(records));
      },
      many: async (calls) => {
        await select(analyses.insertMany, analyses.columnArrays(calls.flat()));
        return calls.map(() => undefined);
      },
    }),
  };
}

/** The trade follows its position's protection (levels only when protected; the exit ref always). */
const tradeExitFromPosition = `"trade" as (
  update "trades" as "t" set "exit_ref" = "p"."exit_ref",
    "take_profit" = case when "p"."protection" = 'protected' then "p"."take_profit" else "t"."take_profit" end,
    "stop_loss" = case when "p"."protection" = 'protected' then "p"."stop_loss" else "t"."stop_loss" end
  from "position" as "p" where "t"."id" = "p"."trade_id"
)`;

/** A `?::type[]` parameter of ids, times or amounts; null stays SQL NULL. */
function nullableArray(values: readonly (string | number | null)[]): string {
  return textArray(values.map((value) => (value === null ? null : String(value))));
}
