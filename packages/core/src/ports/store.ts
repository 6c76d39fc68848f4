import type { AnalysisRecord } from '../domain/analysis-record';
import type { ExitReason } from '../domain/exit-reason';
import type { OpenPosition } from '../domain/open-position';
import type { OrderIntent, OrderIntentState } from '../domain/order-intent';
import type { PortfolioStats } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import type { TradingConfig } from '../domain/trading-config';

export interface TradeExit {
  tradeId: string;
  exitPrice: string;
  exitFee: string;
  exitReason: ExitReason;
  profitLoss: string;
  profitLossPercent: string;
  closedAt: number;
  durationSeconds: number;
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
 * - `recordClosedTrade` MUST atomically update the trade with its exit, delete the open position
 *   and add the trade to the portfolio totals; it MUST throw `ConflictError` if the trade is not
 *   open (so a close is never counted twice).
 * - `journalIntent` MUST throw `ConflictError` for a client order id that exists.
 * - `countTradesSince` MUST count trades of every status but `failed` opened at or after `since`.
 * - Reads MUST return copies: mutating a result MUST NOT change the store.
 * - Errors MUST be `TrdError`s.
 */
export interface Store {
  readonly specificationVersion: 'v1';

  getConfig(userId: string): Promise<TradingConfig | null>;
  saveConfig(config: TradingConfig): Promise<void>;
  /** Configs with `isActive`, in a stable order (by user id). */
  activeConfigs(): Promise<TradingConfig[]>;

  journalIntent(intent: OrderIntent): Promise<void>;
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

  openPositions(userId?: string): Promise<OpenPosition[]>;
  getPortfolio(userId: string): Promise<PortfolioStats>;

  recordAnalysis(record: AnalysisRecord): Promise<void>;
  recentAnalyses(userId: string, limit: number): Promise<AnalysisRecord[]>;

  /**
   * Optional, for several engine processes on one store: claims the given users for `owner`
   * for `ttlMs` and returns the ids this owner now holds. A user held by another live owner
   * MUST NOT be returned.
   */
  claimUsers?(owner: string, userIds: readonly string[], ttlMs: number): Promise<string[]>;
  /** Releases every claim of `owner`. */
  releaseUsers?(owner: string): Promise<void>;

  close?(): Promise<void>;
}
