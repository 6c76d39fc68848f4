import { buildHistoryContext, HISTORY_TRADE_LIMIT } from '../analysis/history-context';
import { toDecimalString } from '../decimal';
import type { TradeHistoryContext } from '../domain/analysis-input';
import type { AnalysisRecord } from '../domain/analysis-record';
import type { DustHolding } from '../domain/portfolio';
import type { RiskViolation } from '../domain/risk-violation';
import type { Signal, TradeSide } from '../domain/signal';
import type { Trade } from '../domain/trade';
import type { TradingConfig } from '../domain/trading-config';
import type { EngineStage, SkipReason } from '../events';
import { startOfUtcDay } from '../risk/utc-day';
import { CycleAnalyses, type SharedSignals } from './analysis-runner';
import { entryClientOrderId, tradeIdForEntry } from './client-order-ids';
import { forEachWithConcurrency } from './concurrency';
import { asError, claimedUsers, claimFairShare, type EngineContext } from './engine-context';
import type { MarketSnapshot } from './market-snapshot';
import { loadMarketSnapshots } from './market-snapshot';
import { openTrade } from './trade-opener';
import { isWithinTradingHours } from './trading-hours';

/** What one cycle did. */
export interface CycleReport {
  cycle: number;
  at: number;
  durationMs: number;
  tradingHours: boolean;
  /** Active users this engine looked at. */
  usersSeen: number;
  analysed: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Symbols whose market data was fetched (once each). */
  symbols: string[];
  opened: number;
  rejected: number;
  errors: number;
}

/** Memory the cycle keeps between runs (only the cooldown; everything that matters is in the store). */
export interface CycleState {
  cycle: number;
  lastAnalysedAt: Map<string, number>;
  /** When each user's analysis last came back; users waiting longest go first (a shared model rate limit never starves the same users). */
  lastCompletedAt: Map<string, number>;
  /** Users being analysed or traded right now (a slow user is not started twice). */
  busy: Set<string>;
  /** Shared mode: each symbol's signal for its last closed candle (one model call per candle). */
  sharedSignals: SharedSignals;
  /** Each user's history context with the trades it was built from (rebuilt only when they change). */
  historyContexts: Map<string, { key: string; context: TradeHistoryContext }>;
}

export function createCycleState(): CycleState {
  return {
    cycle: 0,
    lastAnalysedAt: new Map(),
    lastCompletedAt: new Map(),
    busy: new Set(),
    sharedSignals: new Map(),
    historyContexts: new Map(),
  };
}

/**
 * One trading cycle (DESIGN.md): active configs from the store; outside trading hours nothing is
 * analysed; market data fetched once per symbol for the users who may trade now; then per user,
 * `tradeConcurrency` at a time: history → analyzer (`analysisConcurrency` calls at once, each with a
 * timeout) → sanitised signal → audit record → risk → entry. One user's failure is an 'error' event and never stops the others.
 */
export async function runTradingCycle(context: EngineContext, state: CycleState): Promise<CycleReport> {
  const { clock, store, settings } = context;
  const at = clock.now();
  const cycle = ++state.cycle;
  const tradingHours = isWithinTradingHours(at, settings.tradingHours);
  context.emit('cycle:start', { cycle, at, tradingHours });
  const report: CycleReport = {
    cycle,
    at,
    durationMs: 0,
    tradingHours,
    usersSeen: 0,
    analysed: 0,
    skipped: {},
    symbols: [],
    opened: 0,
    rejected: 0,
    errors: 0,
  };
  const skip = (reason: SkipReason) => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
  };

  try {
    const configs = await store.activeConfigs();
    const userIds = configs.map((config) => config.userId);
    // Read once for the whole cycle: the claim keeps users with work in progress, and the
    // candidates skip them.
    const [positions, intents] = await Promise.all([store.openPositions(), store.unfinishedIntents()]);
    const withPosition = new Set(positions.map((position) => position.userId));
    const withIntent = new Set(intents.map((intent) => intent.userId));
    let claimed: Set<string>;
    if (store.claimUsers && store.liveOwners) {
      // Fair share: users with work in progress are kept first and never released mid-trade.
      const keep = new Set([...withPosition, ...withIntent, ...state.busy]);
      claimed = await claimFairShare(context, userIds, keep);
    } else {
      claimed = await claimedUsers(context, userIds);
    }
    const mine = configs.filter((config) => claimed.has(config.userId));
    report.usersSeen = mine.length;
    for (let i = mine.length; i < configs.length; i++) skip('claimed_elsewhere');

    if (tradingHours && mine.length > 0) {
      const candidates: TradingConfig[] = [];
      for (const config of mine) {
        const last = state.lastAnalysedAt.get(config.userId);
        if (withPosition.has(config.userId)) skip('open_position');
        else if (state.busy.has(config.userId) || withIntent.has(config.userId)) skip('busy');
        else if (last !== undefined && at - last < settings.userCooldownMs) skip('cooldown');
        else candidates.push(config);
      }

      const waitingSince = (config: TradingConfig) =>
        state.lastCompletedAt.get(config.userId) ?? Number.NEGATIVE_INFINITY;
      candidates.sort((a, b) => waitingSince(a) - waitingSince(b));
      report.symbols = [...new Set(candidates.map((config) => config.symbol))];
      const candidateIds = candidates.map((config) => config.userId);
      // One round trip each for every candidate: history, today's trade counts, dust, market data.
      // (Candidates have no open position, so no close changes their dust during the cycle.)
      const hasCandidates = candidateIds.length > 0;
      const [snapshots, histories, tradesToday, dust] = await Promise.all([
        loadMarketSnapshots(context, report.symbols),
        hasCandidates
          ? store.recentClosedTradesOf(candidateIds, HISTORY_TRADE_LIMIT)
          : new Map<string, Trade[]>(),
        hasCandidates ? store.countTradesSinceOf(candidateIds, startOfUtcDay(at)) : new Map<string, number>(),
        hasCandidates ? store.dustOf(candidateIds) : new Map<string, DustHolding[]>(),
      ]);
      const records = createAnalysisWriter(context);
      const analyses = new CycleAnalyses(context, state.sharedSignals);

      await forEachWithConcurrency(candidates, settings.tradeConcurrency, async (config) => {
        const snapshot = snapshots.get(config.symbol);
        if (!snapshot) {
          skip('no_market_data');
          return;
        }
        state.busy.add(config.userId);
        state.lastAnalysedAt.set(config.userId, at);
        try {
          const result = await tradeUser(context, {
            config,
            snapshot,
            cycleTime: at,
            history: historyContextOf(state, config.userId, histories.get(config.userId) ?? []),
            tradesToday: tradesToday.get(config.userId) ?? 0,
            dust: dust.get(config.userId) ?? [],
            records,
            analyses,
          });
          report.analysed++;
          if (result !== 'error') state.lastCompletedAt.set(config.userId, at);
          if (result === 'opened') report.opened++;
          if (result === 'rejected') report.rejected++;
          if (result === 'error') report.errors++;
        } finally {
          state.busy.delete(config.userId);
        }
      });
      report.errors += await records.flush();
    }
  } catch (error) {
    report.errors++;
    context.emit('error', { stage: 'cycle', error: asError(error), at: clock.now() });
  }

  report.durationMs = clock.now() - at;
  context.emit('cycle:end', {
    cycle,
    at: clock.now(),
    durationMs: report.durationMs,
    usersSeen: report.usersSeen,
    analysed: report.analysed,
    skipped: report.skipped,
    tradingHours,
  });
  return report;
}

/**
 * The user's history context, from the cache when the trades it depends on (ids, states, P&L, exit
 * reasons, in order) are the ones it was built from: the store is still read every cycle, but the
 * decimal arithmetic over 15 trades runs only when one of them changed.
 */
function historyContextOf(state: CycleState, userId: string, trades: readonly Trade[]): TradeHistoryContext {
  let key = '';
  for (const trade of trades)
    key += `${trade.id}\u0000${trade.status}\u0000${trade.profitLoss}\u0000${trade.exitReason}\u0001`;
  const known = state.historyContexts.get(userId);
  if (known?.key === key) return known.context;
  // Frozen: the same object reaches the analyzer in later cycles.
  const context = Object.freeze(buildHistoryContext(trades));
  state.historyContexts.set(userId, { key, context });
  return context;
}

type UserResult = 'hold' | 'rejected' | 'opened' | 'not_opened' | 'error';

/** Hold records written in batches of this many (a trade's record is written before its order). */
const ANALYSIS_BATCH = 1_000;

interface AnalysisWriter {
  /** Queues a hold's record; writes a batch when it is full. */
  add(record: AnalysisRecord): Promise<void>;
  /** Writes the rest; returns how many writes failed (each an 'error' event). */
  flush(): Promise<number>;
}

/** The cycle's audit records, written in batches: one round trip per thousand holds. */
function createAnalysisWriter(context: EngineContext): AnalysisWriter {
  let pending: AnalysisRecord[] = [];
  let failures = 0;
  const write = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      await context.store.recordAnalyses(batch);
    } catch (error) {
      failures++;
      context.emit('error', { stage: 'analysis', error: asError(error), at: context.clock.now() });
    }
  };
  return {
    async add(record) {
      pending.push(record);
      if (pending.length >= ANALYSIS_BATCH) await write();
    },
    async flush() {
      await write();
      return failures;
    },
  };
}

async function tradeUser(
  context: EngineContext,
  input: {
    config: TradingConfig;
    snapshot: MarketSnapshot;
    cycleTime: number;
    history: TradeHistoryContext;
    tradesToday: number;
    /** The user's dust (loaded with the cycle's batch reads; only a close changes it). */
    dust: readonly DustHolding[];
    records: AnalysisWriter;
    analyses: CycleAnalyses;
  },
): Promise<UserResult> {
  const { store, clock, settings } = context;
  const { config, snapshot, cycleTime } = input;
  const { userId, symbol } = config;
  let stage: EngineStage = 'analysis';
  // A buy or sell whose verdict never came (the account could not be read) is still on record.
  let unrecorded: AnalysisRecord | null = null;
  try {
    const analysis = await input.analyses.forUser({
      config,
      snapshot,
      history: input.history,
    });
    const { signal } = analysis;
    const analysedAt = clock.now();
    const record: AnalysisRecord = {
      id: `analysis-${userId}-${cycleTime}`,
      userId,
      symbol,
      analyzer: context.analyzer.name,
      signal,
      price: snapshot.price,
      mode: analysis.mode,
      inputHash: analysis.inputHash,
      ...(analysis.policy ? { policy: analysis.policy, modelSignal: analysis.modelSignal } : {}),
      createdAt: analysedAt,
    };
    // Holds go in the cycle's batches; a buy or sell is recorded with its risk verdict (below).
    if (signal.action === 'hold') await input.records.add(record);
    else unrecorded = record;
    context.emit('analysis', {
      userId,
      symbol,
      analyzer: context.analyzer.name,
      signal,
      price: snapshot.price,
      mode: analysis.mode,
      inputHash: analysis.inputHash,
      ...(analysis.policy ? { policy: analysis.policy } : {}),
      at: analysedAt,
    });
    if (signal.action === 'hold') return 'hold';

    stage = 'risk';
    const reject = async (violations: RiskViolation[]): Promise<UserResult> => {
      unrecorded = null;
      await store.recordAnalyses([
        { ...record, verdict: { approved: false, violations: violations.map((v) => v.code) } },
      ]);
      context.emit('trade:rejected', { userId, symbol, signal, violations, at: clock.now() });
      return 'rejected';
    };
    // Candidates have no open position (the cycle skipped those); the daily count is this cycle's.
    const counts = { openPositionCount: 0, tradesToday: input.tradesToday };
    // Shared mode: the user's performance policy sets the confidence the trade needs.
    const judged = analysis.policy
      ? { ...config, minConfidence: analysis.policy.requiredConfidence }
      : config;
    const early = context.riskManager.checkWithoutAccount({ config: judged, signal, ...counts });
    if (early.length > 0) return reject(early);
    const account = await context.accountFor(userId);
    const [balances, rules] = await Promise.all([account.balances(), context.marketData.rules(symbol)]);
    const decision = context.riskManager.validate({
      config: judged,
      signal,
      price: snapshot.price,
      exitLevelSource: settings.exitLevelSource,
      balances,
      rules,
      capabilities: account.capabilities,
      ...counts,
    });
    if (!decision.approved) return reject(decision.violations);
    // The decision goes on record with the order's journal entry, in one write, before the
    // order is sent: linked to the trade it opens.
    const clientOrderId = entryClientOrderId(userId, cycleTime);
    unrecorded = null;
    stage = 'entry';
    const opened = await openTrade(context, {
      config,
      signal: signal as Signal & { action: TradeSide },
      quantity: decision.quantity,
      distances: decision.distances,
      account,
      rules,
      cycleTime,
      approval: {
        ...record,
        verdict: { approved: true, violations: [] },
        tradeId: tradeIdForEntry(clientOrderId),
        clientOrderId,
      },
      dust: input.dust,
      lastPrice: toDecimalString(snapshot.price),
    });
    return opened ? 'opened' : 'not_opened';
  } catch (error) {
    context.emit('error', { stage, userId, symbol, error: asError(error), at: clock.now() });
    if (unrecorded) await store.recordAnalyses([unrecorded]).catch(() => undefined);
    return 'error';
  }
}
