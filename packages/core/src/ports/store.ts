import type { AnalysisRecord } from '../domain/analysis-record';
import type { ExitReason } from '../domain/exit-reason';
import type { OpenPosition, PositionExitUpdate } from '../domain/open-position';
import type { OrderIntent, OrderIntentState } from '../domain/order-intent';
import type { DustHolding, PortfolioStats } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import type { TradingConfig } from '../domain/trading-config';

export interface TradeExit {
  tradeId: string;
  exitPrice: string;
  exitFee: string;
  exitReason: ExitReason;
  /** What happened, in words (market closes by the engine). */
  exitNote?: string;
  /** Base units the closing order sold or bought back. */
  exitQuantity: string;
  /**
   * The user's dust of this symbol after the close (absolute, not a change): the store sets it in
   * the portfolio in the same write; a quantity of '0' removes the holding.
   */
  dust: DustHolding;
  profitLoss: string;
  profitLossPercent: string;
  closedAt: number;
  durationSeconds: number;
}

/** Options of `Store.claimUsers`. */
export interface ClaimOptions {
  /** Claim at most this many users (a positive integer): the owner's fair share. */
  maxUsers?: number;
}

/** Where a page of analyses starts: strictly older than this record (newest first is `createdAt` desc, then `id` desc). */
export interface AnalysisCursor {
  /** Unix ms. */
  createdAt: number;
  /** The record's id: records at the same `createdAt` with a smaller id are older. Without it, a time: only records before `createdAt`. */
  id?: string;
}

/** Options of `Store.listAnalyses`. */
export interface AnalysisPage {
  /** At most this many records, a positive integer. */
  limit: number;
  /** Only records older than this (the last record of the previous page, or a time). */
  before?: AnalysisCursor;
  /** Only this symbol's records. */
  symbol?: string;
}

export interface TradePage {
  trades: Trade[];
  total: number;
}

/**
 * Where the engine keeps its state. Times are Unix ms; amounts decimal strings.
 *
 * Contract:
 * - `recordOpenedTrade` MUST write the trade, its open position and the intent's new state
 *   atomically (all or nothing). It MUST throw `ConflictError` if the trade id exists.
 * - `recordClosedTrade` MUST atomically update the trade with its exit, delete the open position,
 *   add the trade to the portfolio totals and set the portfolio's dust of the symbol; it MUST throw
 *   `ConflictError` if the trade is not open (so a close is never counted twice).
 * - `updatePositionExit` MUST atomically update the open position and its trade's `exitRef`,
 *   `takeProfit` and `stopLoss` (an unprotected update removes `exitRef` from both); it MUST throw
 *   `NotFoundError` when the trade has no open position.
 * - `journalIntent` MUST throw `ConflictError` for a client order id that exists. With
 *   `options.analysis` (the decision that approved the order) it MUST write the record and the
 *   intent atomically: both, or on a conflict of either (`ConflictError`) neither.
 * - `countTradesSince` MUST count trades of every status but `failed` opened at or after `since`.
 * - Reads MUST return copies: mutating a result MUST NOT change the store.
 * - Errors MUST be `TrdError`s.
 */
export interface JournalOptions {
  /** The analysis whose approved verdict sends this order, written with the intent. */
  analysis?: AnalysisRecord;
}

/** The fields of a trading config a user may change (everything but whose it is). */
export type TradingConfigChanges = Partial<Omit<TradingConfig, 'userId'>>;

export interface Store {
  readonly specificationVersion: 'v1';

  getConfig(userId: string): Promise<TradingConfig | null>;
  saveConfig(config: TradingConfig): Promise<void>;
  /**
   * Changes only the fields in `changes` of the user's config, atomically, and returns the config
   * after the change. A user without a config gets `initial` with `changes` applied.
   * - Two concurrent `updateConfig` calls changing different fields MUST both take effect (no lost
   *   update); a field MUST NOT change unless it is in `changes`.
   * - It MUST throw `ConfigError` for a change outside `tradingConfigSchema`, or an `initial`
   *   of another user, and then change nothing.
   */
  updateConfig(userId: string, changes: TradingConfigChanges, initial: TradingConfig): Promise<TradingConfig>;
  /** Configs with `isActive`, in a stable order (by user id). */
  activeConfigs(): Promise<TradingConfig[]>;

  journalIntent(intent: OrderIntent, options?: JournalOptions): Promise<void>;
  updateIntent(
    clientOrderId: string,
    patch: { state: OrderIntentState; error?: string; updatedAt: number },
  ): Promise<void>;
  getIntent(clientOrderId: string): Promise<OrderIntent | null>;
  /** Intents in `pending` or `entered`, oldest first. */
  unfinishedIntents(userId?: string): Promise<OrderIntent[]>;

  recordOpenedTrade(input: {
    trade: Trade;
    position: OpenPosition;
    intentClientOrderId: string;
  }): Promise<void>;
  recordClosedTrade(exit: TradeExit): Promise<Trade>;
  /** An exit now protects the open position, or nothing does any more. */
  updatePositionExit(tradeId: string, update: PositionExitUpdate): Promise<OpenPosition>;
  /** Records a trade that failed to open (no position), e.g. after reconciliation. */
  recordFailedTrade(trade: Trade): Promise<void>;

  getTrade(userId: string, tradeId: string): Promise<Trade | null>;
  /** Newest first. */
  listTrades(
    userId: string,
    page: { limit: number; offset: number; status?: Trade['status'] },
  ): Promise<TradePage>;
  /** The last `limit` closed trades, newest first. */
  recentClosedTrades(userId: string, limit: number): Promise<Trade[]>;
  countTradesSince(userId: string, since: number): Promise<number>;
  /**
   * Batch of `recentClosedTrades` for a cycle over many users, in one round trip: every given
   * user id MUST be a key (with `[]` when the user has no closed trade), each list exactly what
   * `recentClosedTrades(userId, limit)` returns. Users not given MUST NOT appear.
   */
  recentClosedTradesOf(userIds: readonly string[], limit: number): Promise<Map<string, Trade[]>>;
  /**
   * Batch of `countTradesSince` in one round trip: every given user id MUST be a key (0 when
   * none), each count exactly what `countTradesSince(userId, since)` returns.
   */
  countTradesSinceOf(userIds: readonly string[], since: number): Promise<Map<string, number>>;

  /**
   * Batch of the dust of `getPortfolio` in one round trip: every given user id MUST be a key
   * (`[]` without dust), each list exactly `getPortfolio(userId).dust ?? []`, sorted by symbol.
   * Users not given MUST NOT appear.
   */
  dustOf(userIds: readonly string[]): Promise<Map<string, DustHolding[]>>;

  openPositions(userId?: string): Promise<OpenPosition[]>;
  getPortfolio(userId: string): Promise<PortfolioStats>;

  recordAnalysis(record: AnalysisRecord): Promise<void>;
  /**
   * Writes many analysis records in one round trip, all or none: an id that exists (or repeats in
   * the batch) MUST throw `ConflictError` and write nothing. An empty batch is a no-op.
   */
  recordAnalyses(records: readonly AnalysisRecord[]): Promise<void>;
  recentAnalyses(userId: string, limit: number): Promise<AnalysisRecord[]>;
  /**
   * One user's analysis records, newest first (`createdAt` desc, then `id` desc), for an audit
   * trail read page by page. It MUST return only `userId`'s records, at most `page.limit`; with
   * `page.before`, only records strictly older than it in that order (`createdAt` below it, or
   * equal with a smaller `id`; equal `createdAt` with no cursor id counts as not older); with
   * `page.symbol`, only that symbol's. Paging with the last record of each page as the next
   * `before` MUST visit every record exactly once.
   */
  listAnalyses(userId: string, page: AnalysisPage): Promise<AnalysisRecord[]>;

  /**
   * Optional, for several engine processes on one store: claims the given users for `owner`
   * for `ttlMs` and returns the ids this owner now holds. A user held by another live owner
   * MUST NOT be returned. Without `options.maxUsers`, every given user this owner holds or can
   * take is claimed.
   *
   * With `options.maxUsers` (fair share), at most that many ids MUST be returned: the users this
   * owner already holds come first (their leases renewed), in the order given, then free or
   * expired users in the order given. Users this owner holds beyond `maxUsers` MUST be left as
   * they are (not renewed, not released): the caller releases them with `releaseUsers`. Two
   * owners claiming at the same time MUST NOT both get a user, and a user skipped because a
   * concurrent claim is taking it SHOULD be replaced by the next free one.
   */
  claimUsers?(
    owner: string,
    userIds: readonly string[],
    ttlMs: number,
    options?: ClaimOptions,
  ): Promise<string[]>;
  /**
   * Releases the claims of `owner` on `userIds`; without `userIds`, every claim of `owner` and
   * its liveness (`liveOwners`). A claim of another owner MUST NOT be touched.
   */
  releaseUsers?(owner: string, userIds?: readonly string[]): Promise<void>;
  /**
   * Optional, with `claimUsers`: marks `owner` live until now + `ttlMs` (a heartbeat) and
   * returns how many owners are live now, `owner` included (so at least 1). An owner whose last
   * heartbeat has expired, or that released everything (`releaseUsers(owner)`), MUST NOT count.
   * The engine claims `ceil(active users / live owners)` users each cycle.
   */
  liveOwners?(owner: string, ttlMs: number): Promise<number>;

  close?(): Promise<void>;
}
