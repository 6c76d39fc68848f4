import { buildHistoryContext, HISTORY_TRADE_LIMIT } from '../analysis/history-context';
import { sanitizeSignal } from '../analysis/sanitize-signal';
import type { AnalysisInput } from '../domain/analysis-input';
import type { Signal, TradeSide } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import type { EngineStage, SkipReason } from '../events';
import { startOfUtcDay } from '../risk/utc-day';
import { forEachWithConcurrency } from './concurrency';
import { asError, claimedUsers, claimFairShare, type EngineContext } from './engine-context';
import type { MarketSnapshot } from './market-snapshot';
import { loadMarketSnapshots } from './market-snapshot';
import { openTrade } from './trade-opener';
import { isWithinTradingHours } from './trading-hours';
import { withTimeout } from './with-timeout';

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
}

export function createCycleState(): CycleState {
  return { cycle: 0, lastAnalysedAt: new Map(), lastCompletedAt: new Map(), busy: new Set() };
}

/**
 * One trading cycle (DESIGN.md): active configs from the store; outside trading hours nothing is
 * analysed; market data fetched once per symbol for the users who may trade now; then per user,
 * with bounded concurrency: history → analyzer (with a timeout) → sanitised signal → audit record →
 * risk → entry. One user's failure is an 'error' event and never stops the others.
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
    let claimed: Set<string>;
    if (store.claimUsers && store.liveOwners) {
      // Fair share: users with work in progress are kept first and never released mid-trade.
      const [positions, intents] = await Promise.all([store.openPositions(), store.unfinishedIntents()]);
      const keep = new Set([
        ...positions.map((position) => position.userId),
        ...intents.map((intent) => intent.userId),
        ...state.busy,
      ]);
      claimed = await claimFairShare(context, userIds, keep);
    } else {
      claimed = await claimedUsers(context, userIds);
    }
    const mine = configs.filter((config) => claimed.has(config.userId));
    report.usersSeen = mine.length;
    for (let i = mine.length; i < configs.length; i++) skip('claimed_elsewhere');

    if (tradingHours && mine.length > 0) {
      const [positions, intents] = await Promise.all([store.openPositions(), store.unfinishedIntents()]);
      const withPosition = new Set(positions.map((position) => position.userId));
      const withIntent = new Set(intents.map((intent) => intent.userId));
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
      const snapshots = await loadMarketSnapshots(context, report.symbols);

      await forEachWithConcurrency(candidates, settings.analysisConcurrency, async (config) => {
        const snapshot = snapshots.get(config.symbol);
        if (!snapshot) {
          skip('no_market_data');
          return;
        }
        state.busy.add(config.userId);
        state.lastAnalysedAt.set(config.userId, at);
        try {
          const result = await tradeUser(context, config, snapshot, at);
          report.analysed++;
          if (result !== 'error') state.lastCompletedAt.set(config.userId, at);
          if (result === 'opened') report.opened++;
          if (result === 'rejected') report.rejected++;
          if (result === 'error') report.errors++;
        } finally {
          state.busy.delete(config.userId);
        }
      });
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

type UserResult = 'hold' | 'rejected' | 'opened' | 'not_opened' | 'error';

async function tradeUser(
  context: EngineContext,
  config: TradingConfig,
  snapshot: MarketSnapshot,
  cycleTime: number,
): Promise<UserResult> {
  const { store, clock, settings } = context;
  const { userId, symbol } = config;
  let stage: EngineStage = 'analysis';
  try {
    const history = buildHistoryContext(await store.recentClosedTrades(userId, HISTORY_TRADE_LIMIT));
    const input: AnalysisInput = {
      userId,
      symbol,
      candles: snapshot.candles,
      indicators: snapshot.indicators,
      market: snapshot.market,
      history,
      config,
    };
    const raw = await withTimeout(
      clock,
      settings.analysisTimeoutMs,
      `analysis of ${symbol} for user ${userId}`,
      (signal) => context.analyzer.analyze(input, { signal }),
    );
    const signal = sanitizeSignal(raw, {
      price: snapshot.price,
      maxDeviationPercent: settings.maxPriceDeviationPercent,
    });
    const analysedAt = clock.now();
    await store.recordAnalysis({
      id: `analysis-${userId}-${cycleTime}`,
      userId,
      symbol,
      analyzer: context.analyzer.name,
      signal,
      price: snapshot.price,
      createdAt: analysedAt,
    });
    context.emit('analysis', {
      userId,
      symbol,
      analyzer: context.analyzer.name,
      signal,
      price: snapshot.price,
      at: analysedAt,
    });
    if (signal.action === 'hold') return 'hold';

    stage = 'risk';
    const account = await context.accountFor(userId);
    const [balances, rules, tradesToday, positions] = await Promise.all([
      account.balances(),
      context.marketData.rules(symbol),
      store.countTradesSince(userId, startOfUtcDay(cycleTime)),
      store.openPositions(userId),
    ]);
    const decision = context.riskManager.validate({
      config,
      signal,
      price: snapshot.price,
      exitLevelSource: settings.exitLevelSource,
      balances,
      rules,
      capabilities: account.capabilities,
      openPositionCount: positions.length,
      tradesToday,
    });
    if (!decision.approved) {
      context.emit('trade:rejected', {
        userId,
        symbol,
        signal,
        violations: decision.violations,
        at: clock.now(),
      });
      return 'rejected';
    }

    stage = 'entry';
    const opened = await openTrade(context, {
      config,
      signal: signal as Signal & { action: TradeSide },
      quantity: decision.quantity,
      distances: decision.distances,
      account,
      rules,
      cycleTime,
    });
    return opened ? 'opened' : 'not_opened';
  } catch (error) {
    context.emit('error', { stage, userId, symbol, error: asError(error), at: clock.now() });
    return 'error';
  }
}
