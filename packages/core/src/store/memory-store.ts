import type { Clock } from '../clock/clock';
import { systemClock } from '../clock/system-clock';
import { dec, decimalStringSchema, fitsMoneyPlaces, MONEY_PLACES, toDecimalString } from '../decimal';
import type { AnalysisRecord } from '../domain/analysis-record';
import { type OpenPosition, type PositionExitUpdate, withPositionExit } from '../domain/open-position';
import type { OrderIntent, OrderIntentState } from '../domain/order-intent';
import { type DustHolding, emptyPortfolio, type PortfolioStats } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import { isWinningTrade } from '../domain/trade-outcome';
import type { TradingConfig } from '../domain/trading-config';
import { ConfigError, ConflictError, NotFoundError, TrdError } from '../errors';
import { winRate } from '../performance/win-rate';
import type { ClaimOptions, Store, TradeExit, TradePage } from '../ports/store';
import { copyPlainData } from './copy-plain-data';
import { applyConfigChanges } from './trading-config-changes';

export interface MemoryStoreOptions {
  /** Time for user claims and empty portfolios. Default: the system clock. */
  clock?: Clock;
  /**
   * Keep only about this many of each user's newest analysis records (at most twice as many at any
   * time); older records and their ids are forgotten. For long backtests, which record one analysis
   * per user and minute. Default: keep every record.
   */
  maxAnalysesPerUser?: number;
}

export interface MemoryStore extends Store {
  claimUsers(
    owner: string,
    userIds: readonly string[],
    ttlMs: number,
    options?: ClaimOptions,
  ): Promise<string[]>;
  releaseUsers(owner: string, userIds?: readonly string[]): Promise<void>;
  liveOwners(owner: string, ttlMs: number): Promise<number>;
  /**
   * Synchronous: whether any position is open or any order intent unfinished (pending or entered),
   * for every user. A backtest skips the monitor pass when there is nothing for it to look at.
   */
  hasOpenWork(): boolean;
}

/**
 * The Store port in memory: for tests, backtests and single-process demos. Every read returns a
 * copy (recent closed trades: frozen copies, shared between reads until the user's trades change)
 * and every multi-record write checks all its preconditions before changing anything, so a failed
 * write leaves the store as it was.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock;
  const maxAnalyses = options.maxAnalysesPerUser ?? Number.POSITIVE_INFINITY;
  if (!(maxAnalyses >= 1)) throw new ConfigError('maxAnalysesPerUser must be at least 1');
  const configs = new Map<string, TradingConfig>();
  const intents = new Map<string, OrderIntent>();
  // Client order ids of pending or entered intents (what `hasOpenWork` counts).
  const unfinished = new Set<string>();
  const putIntent = (intent: OrderIntent) => {
    intents.set(intent.clientOrderId, intent);
    if (intent.state === 'pending' || intent.state === 'entered') unfinished.add(intent.clientOrderId);
    else unfinished.delete(intent.clientOrderId);
  };
  const trades = new Map<string, Trade>();
  const positions = new Map<string, OpenPosition>();
  const portfolios = new Map<string, PortfolioStats>();
  const analyses = new Map<string, AnalysisRecord[]>();
  const analysisIds = new Set<string>();
  const claims = new Map<string, { owner: string; expiresAt: number }>();
  const heartbeats = new Map<string, number>();

  // Per-user indexes, so per-user reads stay cheap with many users.
  const tradeIdsByUser = new Map<string, Set<string>>();
  const positionIdsByUser = new Map<string, Set<string>>();

  const copy = copyPlainData;
  const index = (map: Map<string, Set<string>>, userId: string) => {
    const ids = map.get(userId) ?? new Set<string>();
    map.set(userId, ids);
    return ids;
  };
  // Each user's closed trades, newest first, as frozen copies, rebuilt on the first read after one of
  // the user's trades changes: the engine reads the recent ones for every user every cycle, and
  // trades change far less often. Frozen, they can be handed out again without a copy each time.
  const closedByUser = new Map<string, Trade[]>();
  const putTrade = (trade: Trade) => {
    trades.set(trade.id, trade);
    index(tradeIdsByUser, trade.userId).add(trade.id);
    closedByUser.delete(trade.userId);
  };
  const closedTradesOf = (userId: string): Trade[] => {
    let closed = closedByUser.get(userId);
    if (!closed) {
      closed = tradesOf(userId)
        .filter((t) => t.status === 'closed')
        .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0) || newestOpenedFirst(a, b))
        .map((trade) => deepFreeze(copy(trade)));
      closedByUser.set(userId, closed);
    }
    return closed;
  };
  const tradesOf = (userId: string) => [...(tradeIdsByUser.get(userId) ?? [])].map((id) => trades.get(id)!);

  const store: MemoryStore = {
    specificationVersion: 'v1',

    async getConfig(userId) {
      const config = configs.get(userId);
      return config ? copy(config) : null;
    },
    async saveConfig(config) {
      configs.set(config.userId, copy(config));
    },
    async updateConfig(userId, changes, initial) {
      // One synchronous step between awaits: nothing can interleave with it.
      const { config } = applyConfigChanges(userId, configs.get(userId) ?? null, changes, initial);
      configs.set(userId, copy(config));
      return copy(config);
    },
    async activeConfigs() {
      return [...configs.values()]
        .filter((c) => c.isActive)
        .sort((a, b) => compareIds(a.userId, b.userId))
        .map(copy);
    },

    async journalIntent(intent, options) {
      refuseExtraPlaces(intent, ['quantity']);
      if (intents.has(intent.clientOrderId)) {
        throw new ConflictError(`order intent ${intent.clientOrderId} is already journalled`);
      }
      // Both or neither: the record is written (or refused) before the intent.
      if (options?.analysis) await store.recordAnalyses([options.analysis]);
      putIntent(copy(intent));
    },
    async updateIntent(clientOrderId, patch) {
      const intent = intents.get(clientOrderId);
      if (!intent) throw new NotFoundError(`no order intent ${clientOrderId}`);
      putIntent(applyIntentPatch(intent, patch));
    },
    async getIntent(clientOrderId) {
      const intent = intents.get(clientOrderId);
      return intent ? copy(intent) : null;
    },
    async unfinishedIntents(userId) {
      return [...intents.values()]
        .filter(
          (i) =>
            (i.state === 'pending' || i.state === 'entered') && (userId === undefined || i.userId === userId),
        )
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(copy);
    },

    async recordOpenedTrade({ trade, position, intentClientOrderId }) {
      refuseExtraPlaces(trade, TRADE_AMOUNTS);
      refuseExtraPlaces(position, ['quantity', 'entryPrice', 'takeProfit', 'stopLoss']);
      if (trades.has(trade.id)) throw new ConflictError(`trade ${trade.id} already exists`);
      const intent = intents.get(intentClientOrderId);
      if (!intent) throw new NotFoundError(`no order intent ${intentClientOrderId}`);
      if (position.tradeId !== trade.id)
        throw new ConflictError(`position is for trade ${position.tradeId}, not ${trade.id}`);
      const problem = protectionProblem(position);
      if (problem) throw invalidInput(`position of trade ${trade.id}: ${problem}`);
      putTrade(copy(trade));
      positions.set(trade.id, copy(position));
      index(positionIdsByUser, position.userId).add(trade.id);
      putIntent({
        ...intent,
        state: 'open',
        updatedAt: Math.max(intent.updatedAt, trade.openedAt),
      });
    },
    async recordClosedTrade(exit: TradeExit) {
      refuseExtraPlaces(exit, ['exitPrice', 'exitFee', 'exitQuantity', 'profitLoss', 'profitLossPercent']);
      if (exit.dust) refuseExtraPlaces(exit.dust, ['quantity', 'cost']);
      const trade = trades.get(exit.tradeId);
      if (trade?.status !== 'filled' || !positions.has(exit.tradeId)) {
        throw new ConflictError(`trade ${exit.tradeId} is not open`);
      }
      // Callers built before dust tracking send none: the holding is then left as it is.
      const dust = exit.dust === undefined ? undefined : copy(exit.dust);
      const problem = dust && dustProblem(dust, trade.symbol);
      if (problem) throw invalidInput(`dust of trade ${trade.id}: ${problem}`);
      const closed: Trade = {
        ...trade,
        status: 'closed',
        exitPrice: exit.exitPrice,
        exitFee: exit.exitFee,
        exitReason: exit.exitReason,
        profitLoss: exit.profitLoss,
        profitLossPercent: exit.profitLossPercent,
        closedAt: exit.closedAt,
        durationSeconds: exit.durationSeconds,
      };
      if (exit.exitNote !== undefined) closed.exitNote = exit.exitNote;
      if (exit.exitQuantity !== undefined) closed.exitQuantity = exit.exitQuantity;
      const totals = addToPortfolio(
        portfolios.get(trade.userId) ?? emptyPortfolio(trade.userId, exit.closedAt),
        closed,
      );
      const portfolio = dust ? { ...totals, dust: withDust(totals.dust, dust) } : totals;
      putTrade(closed);
      positions.delete(closed.id);
      positionIdsByUser.get(closed.userId)?.delete(closed.id);
      portfolios.set(trade.userId, portfolio);
      return copy(closed);
    },
    async updatePositionExit(tradeId, update) {
      const position = positions.get(tradeId);
      const trade = trades.get(tradeId);
      if (!position || !trade) throw new NotFoundError(`trade ${tradeId} has no open position`);
      const problem = exitUpdateProblem(update);
      if (problem) throw invalidInput(`exit update of trade ${tradeId}: ${problem}`);
      if (update.protection === 'protected') refuseExtraPlaces(update, ['takeProfit', 'stopLoss']);
      const next = withPositionExit(position, copy(update));
      const { exitRef: _exitRef, ...unprotectedTrade } = trade;
      putTrade(
        update.protection === 'protected'
          ? { ...trade, exitRef: update.exitRef, takeProfit: update.takeProfit, stopLoss: update.stopLoss }
          : unprotectedTrade,
      );
      positions.set(tradeId, next);
      return copy(next);
    },
    async recordFailedTrade(trade) {
      if (trades.has(trade.id)) throw new ConflictError(`trade ${trade.id} already exists`);
      putTrade({ ...copy(trade), status: 'failed' });
    },

    async getTrade(userId, tradeId) {
      const trade = trades.get(tradeId);
      return trade && trade.userId === userId ? copy(trade) : null;
    },
    async listTrades(userId, page): Promise<TradePage> {
      const matching = tradesOf(userId)
        .filter((t) => page.status === undefined || t.status === page.status)
        .sort(newestOpenedFirst);
      return {
        trades: matching.slice(page.offset, page.offset + page.limit).map(copy),
        total: matching.length,
      };
    },
    async recentClosedTrades(userId, limit) {
      return closedTradesOf(userId).slice(0, limit);
    },
    async listAnalyses(userId, page) {
      const { before, symbol } = page;
      const older = (record: AnalysisRecord) =>
        before === undefined ||
        record.createdAt < before.createdAt ||
        (record.createdAt === before.createdAt && before.id !== undefined && record.id < before.id);
      return (analyses.get(userId) ?? [])
        .filter((record) => older(record) && (symbol === undefined || record.symbol === symbol))
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, Math.max(0, Math.floor(page.limit)))
        .map(copy);
    },
    async countTradesSince(userId, since) {
      return tradesOf(userId).filter((t) => t.status !== 'failed' && t.openedAt >= since).length;
    },
    async recentClosedTradesOf(userIds, limit) {
      const result = new Map<string, Trade[]>();
      for (const userId of userIds) result.set(userId, await store.recentClosedTrades(userId, limit));
      return result;
    },
    async countTradesSinceOf(userIds, since) {
      const result = new Map<string, number>();
      for (const userId of userIds) result.set(userId, await store.countTradesSince(userId, since));
      return result;
    },

    async openPositions(userId) {
      const selected =
        userId === undefined
          ? [...positions.values()]
          : [...(positionIdsByUser.get(userId) ?? [])].map((id) => positions.get(id)!);
      return selected.sort((a, b) => a.openedAt - b.openedAt).map(copy);
    },
    async dustOf(userIds) {
      return new Map(userIds.map((userId) => [userId, copy(portfolios.get(userId)?.dust ?? [])]));
    },
    async getPortfolio(userId) {
      return copy(portfolios.get(userId) ?? emptyPortfolio(userId, clock.now()));
    },

    async recordAnalysis(record) {
      await store.recordAnalyses([record]);
    },
    async recordAnalyses(records) {
      // Every id is checked before anything is written: a refused batch leaves the store as it was.
      const ids = new Set<string>();
      for (const record of records) {
        if (ids.has(record.id) || analysisIds.has(record.id))
          throw new ConflictError(`analysis record ${record.id} already exists`);
        ids.add(record.id);
      }
      for (const record of records) {
        const list = analyses.get(record.userId) ?? [];
        list.push(copy(record));
        analyses.set(record.userId, list);
        analysisIds.add(record.id);
        if (list.length >= 2 * maxAnalyses) {
          // Forget the oldest in one go (amortized: once every maxAnalyses records).
          for (const old of list.splice(0, list.length - maxAnalyses)) analysisIds.delete(old.id);
        }
      }
    },
    async recentAnalyses(userId, limit) {
      const list = analyses.get(userId) ?? [];
      return list
        .slice()
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, limit)
        .map(copy);
    },

    hasOpenWork() {
      return positions.size > 0 || unfinished.size > 0;
    },

    async claimUsers(owner, userIds, ttlMs, options = {}) {
      const now = clock.now();
      const unique = [...new Set(userIds)];
      const max = options.maxUsers ?? Number.POSITIVE_INFINITY;
      if (options.maxUsers !== undefined && !(Number.isInteger(max) && max >= 0))
        throw new ConfigError('claim maxUsers must be a non-negative integer');
      const mine = (userId: string) => {
        const claim = claims.get(userId);
        return claim !== undefined && claim.owner === owner && claim.expiresAt > now;
      };
      const free = (userId: string) => {
        const claim = claims.get(userId);
        return !claim || claim.owner === owner || claim.expiresAt <= now;
      };
      // The users this owner holds first, then free or expired ones, each in the order given.
      const picked = [
        ...unique.filter(mine),
        ...unique.filter((userId) => !mine(userId) && free(userId)),
      ].slice(0, max);
      for (const userId of picked) claims.set(userId, { owner, expiresAt: now + ttlMs });
      const pickedSet = new Set(picked);
      return unique.filter((userId) => pickedSet.has(userId));
    },
    async releaseUsers(owner, userIds) {
      if (userIds === undefined) heartbeats.delete(owner);
      const only = userIds === undefined ? null : new Set(userIds);
      for (const [userId, claim] of claims) {
        if (claim.owner === owner && (only === null || only.has(userId))) claims.delete(userId);
      }
    },
    async liveOwners(owner, ttlMs) {
      const now = clock.now();
      heartbeats.set(owner, now + ttlMs);
      let live = 0;
      for (const [name, expiresAt] of heartbeats) {
        if (expiresAt > now) live++;
        else heartbeats.delete(name);
      }
      return live;
    },
  };
  return store;
}

/** Freezes a plain-data value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}

function applyIntentPatch(
  intent: OrderIntent,
  patch: { state: OrderIntentState; error?: string; updatedAt: number },
): OrderIntent {
  const next: OrderIntent = { ...intent, state: patch.state, updatedAt: patch.updatedAt };
  if (patch.error !== undefined) next.error = patch.error;
  return next;
}

const TRADE_AMOUNTS = [
  'quantity',
  'entryPrice',
  'entryFee',
  'entryQuoteAmount',
  'entryNetQuantity',
  'takeProfit',
  'stopLoss',
] as const;

/**
 * A store keeps `MONEY_PLACES` decimals (the PostgreSQL store's `numeric(36,18)`) and refuses
 * more rather than round them away: this store is as strict, so the engine's tests catch an
 * amount with a digit too many before a real store refuses a fill.
 */
function refuseExtraPlaces<T extends object>(record: T, fields: readonly (keyof T & string)[]): void {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' && isDecimal(value) && !fitsMoneyPlaces(value))
      throw invalidInput(`${field} ${value} has more than ${MONEY_PLACES} decimals`);
  }
}

/** A store error for bad input: nothing was written. */
function invalidInput(message: string): TrdError {
  return new TrdError('STORE', message);
}

/** Why a position's fields contradict its protection state, if they do. */
function protectionProblem(position: OpenPosition): string | undefined {
  if (position.protection === 'protected') {
    if (!position.exitRef) return 'a protected position needs its exitRef';
    if (position.unprotectedSince !== undefined) return 'a protected position has no unprotectedSince';
  } else if (position.protection === 'unprotected') {
    if (position.exitRef !== undefined) return 'an unprotected position has no exitRef';
    if (!Number.isInteger(position.unprotectedSince)) return 'an unprotected position needs unprotectedSince';
  } else {
    return `unknown protection ${JSON.stringify(position.protection)}`;
  }
  return undefined;
}

function exitUpdateProblem(update: PositionExitUpdate): string | undefined {
  if (update.protection === 'protected') {
    if (!update.exitRef) return 'exitRef is required';
    if (!isDecimal(update.takeProfit) || !isDecimal(update.stopLoss))
      return 'takeProfit and stopLoss must be decimal strings';
    return undefined;
  }
  if (update.protection === 'unprotected')
    return Number.isInteger(update.since) ? undefined : 'since must be Unix ms';
  return `unknown protection ${JSON.stringify((update as { protection: unknown }).protection)}`;
}

function dustProblem(dust: DustHolding, symbol: string): string | undefined {
  if (dust.symbol !== symbol) return `it is for ${dust.symbol}, the trade for ${symbol}`;
  if (!dust.asset) return 'asset is required';
  if (!isDecimal(dust.quantity) || dec(dust.quantity).isNegative())
    return 'quantity must be a non-negative decimal string';
  if (!isDecimal(dust.cost) || dec(dust.cost).isNegative())
    return 'cost must be a non-negative decimal string';
  return undefined;
}

function isDecimal(value: unknown): boolean {
  return decimalStringSchema.safeParse(value).success;
}

/** The holdings with `dust` set for its symbol (a zero quantity removes it), sorted by symbol. */
function withDust(holdings: readonly DustHolding[], dust: DustHolding): DustHolding[] {
  const others = holdings.filter((holding) => holding.symbol !== dust.symbol);
  const kept = dec(dust.quantity).isZero() ? others : [...others, dust];
  return kept.sort((a, b) => compareIds(a.symbol, b.symbol));
}

function addToPortfolio(portfolio: PortfolioStats, trade: Trade): PortfolioStats {
  const pnl = dec(trade.profitLoss ?? '0');
  const totalTrades = portfolio.totalTrades + 1;
  const winningTrades = portfolio.winningTrades + (isWinningTrade(pnl) ? 1 : 0);
  const losingTrades = portfolio.losingTrades + (isWinningTrade(pnl) ? 0 : 1);
  return {
    ...portfolio,
    totalTrades,
    winningTrades,
    losingTrades,
    winRate: winRate(winningTrades, totalTrades) * 100,
    totalRealizedPnl: toDecimalString(dec(portfolio.totalRealizedPnl).plus(pnl)),
    totalFees: toDecimalString(
      dec(portfolio.totalFees)
        .plus(trade.entryFee)
        .plus(trade.exitFee ?? '0'),
    ),
    updatedAt: trade.closedAt ?? portfolio.updatedAt,
  };
}

function newestOpenedFirst(a: Trade, b: Trade): number {
  return b.openedAt - a.openedAt || compareIds(b.id, a.id);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
