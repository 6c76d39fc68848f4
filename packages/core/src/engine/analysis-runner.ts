import { type AppliedPolicy, applyPerformancePolicy } from '../analysis/performance-policy';
import { sanitizeSignal } from '../analysis/sanitize-signal';
import type { AnalysisInput, TradeHistoryContext } from '../domain/analysis-input';
import { holdSignal, type Signal } from '../domain/signal';
import { defaultTradingConfig, type TradingConfig } from '../domain/trading-config';
import { type ModelUnavailableError, TrdError } from '../errors';
import { createLimiter, type Limiter } from './concurrency';
import { asError, type EngineContext } from './engine-context';
import type { MarketSnapshot } from './market-snapshot';
import { stableHash } from './stable-hash';
import { withTimeout } from './with-timeout';

/**
 * `shared`: the model sees a symbol's market once per closed candle and every user on the symbol
 * gets that signal, with the performance rules applied per user in code (`applyPerformancePolicy`).
 * `personal`: the reference bot's per-user analysis, the user's history in the input.
 */
export type AnalysisMode = 'shared' | 'personal';

/** The user id a shared analysis is made for (no user: the market alone). */
export const SHARED_ANALYSIS_USER = 'shared';

export interface UserAnalysis {
  mode: AnalysisMode;
  /** The signal this user trades on: sanitised, with the policy applied in shared mode. */
  signal: Signal;
  /** What the model said (sanitised), before any policy. */
  modelSignal: Signal;
  /** Hash of the input the analyzer saw: equal hashes, one call. */
  inputHash: string;
  /** Shared mode: the rules applied for this user. */
  policy?: AppliedPolicy;
  /** No model call was made for this user (a shared or identical input was analysed already). */
  reused: boolean;
}

/** What survives between cycles: the shared signal of each symbol, by its last closed candle. */
export type SharedSignals = Map<string, { closedCandle: number; inputHash: string; signal: Signal }>;

/**
 * One cycle's analyses: identical inputs are analysed once (keyed by a hash of what the analyzer
 * sees), every model call goes through the budget and the circuit breaker first (a refusal is a
 * `hold` with the reason and a `model:limited` event), and the user's timeout applies.
 */
export class CycleAnalyses {
  private readonly calls = new Map<string, Promise<Signal>>();
  /** The cycle runs `tradeConcurrency` users at once; the analyzer sees `analysisConcurrency`. */
  private readonly modelSlots: Limiter;

  constructor(
    private readonly context: EngineContext,
    private readonly shared: SharedSignals,
  ) {
    this.modelSlots = createLimiter(context.settings.analysisConcurrency);
  }

  async forUser(input: {
    config: TradingConfig;
    snapshot: MarketSnapshot;
    history: TradeHistoryContext;
  }): Promise<UserAnalysis> {
    const { config, snapshot, history } = input;
    return this.context.settings.analysisMode === 'shared'
      ? this.sharedFor(config, snapshot, history)
      : this.personalFor(config, snapshot, history);
  }

  private async sharedFor(
    config: TradingConfig,
    snapshot: MarketSnapshot,
    history: TradeHistoryContext,
  ): Promise<UserAnalysis> {
    const closedCandle = snapshot.candles.at(-2)?.openTime ?? snapshot.candles.at(-1)?.openTime ?? 0;
    const inputHash = stableHash(`shared|${snapshot.symbol}|${closedCandle}`);
    const known = this.shared.get(snapshot.symbol);
    let modelSignal: Signal;
    let reused = true;
    if (known?.closedCandle === closedCandle) modelSignal = known.signal;
    else {
      let call = this.calls.get(inputHash);
      if (!call) {
        reused = false;
        call = this.callModel(sharedInput(snapshot), snapshot, undefined).then(
          (signal) => {
            this.shared.set(snapshot.symbol, { closedCandle, inputHash, signal });
            return signal;
          },
          (error: unknown) => {
            // One failure for the symbol, not one per user: everyone on it holds this cycle.
            const cause = asError(error);
            this.context.emit('error', {
              stage: 'analysis',
              symbol: snapshot.symbol,
              error: cause,
              at: this.context.clock.now(),
            });
            return holdSignal(`shared analysis failed: ${cause.message}`);
          },
        );
        this.calls.set(inputHash, call);
      }
      modelSignal = await call;
    }
    const { signal, policy } = applyPerformancePolicy(modelSignal, history, config);
    return { mode: 'shared', signal, modelSignal, inputHash, policy, reused };
  }

  private async personalFor(
    config: TradingConfig,
    snapshot: MarketSnapshot,
    history: TradeHistoryContext,
  ): Promise<UserAnalysis> {
    const last = snapshot.candles.at(-1);
    // The market part is one snapshot per symbol and cycle: its bar and price identify it.
    const { userId, ...settings } = config;
    const who = this.context.analyzer.dependsOnUser ? userId : '';
    const inputHash = stableHash(
      `personal|${who}|${snapshot.symbol}|${last?.openTime}|${snapshot.price}|${JSON.stringify(history)}|${JSON.stringify(settings)}`,
    );
    let call = this.calls.get(inputHash);
    const reused = call !== undefined;
    if (!call) {
      const input: AnalysisInput = {
        mode: 'personal',
        ...marketPart(snapshot),
        userId: config.userId,
        history,
        config,
      };
      call = this.callModel(input, snapshot, config.userId);
      this.calls.set(inputHash, call);
    }
    const signal = await call;
    return { mode: 'personal', signal, modelSignal: signal, inputHash, reused };
  }

  /** One model call, within the budget and the breaker, with the timeout; the answer sanitised. */
  private async callModel(
    input: AnalysisInput,
    snapshot: MarketSnapshot,
    userId: string | undefined,
  ): Promise<Signal> {
    const { context } = this;
    const refusal = context.modelBudget.reserve(userId);
    if (refusal) {
      context.emit('model:limited', {
        symbol: snapshot.symbol,
        ...(userId === undefined ? {} : { userId }),
        reason: refusal.reason,
        ...(refusal.until === undefined ? {} : { until: refusal.until }),
        at: context.clock.now(),
      });
      return holdSignal(`model call not made: ${refusal.reason}`);
    }
    let raw: Signal;
    try {
      // The timeout starts with the call, not while it waits for a slot.
      raw = await this.modelSlots.run(() =>
        withTimeout(
          context.clock,
          context.settings.analysisTimeoutMs,
          `analysis of ${snapshot.symbol}${userId === undefined ? '' : ` for user ${userId}`}`,
          (signal) => context.analyzer.analyze(input, { signal }),
        ),
      );
    } catch (error) {
      const resumesAt = pausedUntil(error, context.clock.now());
      if (resumesAt === undefined) {
        context.modelBudget.settle({ ok: false }, userId);
        throw error;
      }
      // A spent quota: hold until the analyzer sends again, for everyone, without calling it.
      const reason = `model paused until ${new Date(resumesAt).toISOString()}: ${asError(error).message}`;
      context.modelBudget.settle({ ok: false, resumesAt, reason: asError(error).message }, userId);
      context.emit('model:limited', {
        symbol: snapshot.symbol,
        ...(userId === undefined ? {} : { userId }),
        reason,
        until: resumesAt,
        at: context.clock.now(),
      });
      return holdSignal(reason);
    }
    context.modelBudget.settle({ ok: true, usage: raw.usage }, userId);
    return sanitizeSignal(raw, {
      price: snapshot.price,
      maxDeviationPercent: context.settings.maxPriceDeviationPercent,
    });
  }
}

/** When a `ModelUnavailableError` says the analyzer sends again, if that is still ahead. */
function pausedUntil(error: unknown, now: number): number | undefined {
  if (!TrdError.isInstance(error) || error.code !== 'MODEL_UNAVAILABLE') return undefined;
  const resumesAt = (error as ModelUnavailableError).resumesAt;
  return typeof resumesAt === 'number' && Number.isFinite(resumesAt) && resumesAt > now
    ? resumesAt
    : undefined;
}

function marketPart(
  snapshot: MarketSnapshot,
): Pick<AnalysisInput, 'symbol' | 'candles' | 'indicators' | 'market'> {
  return {
    symbol: snapshot.symbol,
    candles: snapshot.candles,
    indicators: snapshot.indicators,
    market: snapshot.market,
  };
}

/**
 * The market alone (`mode: 'shared'`: core's prompt is then the market-only one). History and
 * config are placeholders, the same for everyone, for analyzers that read them.
 */
function sharedInput(snapshot: MarketSnapshot): AnalysisInput {
  return {
    mode: 'shared',
    ...marketPart(snapshot),
    userId: SHARED_ANALYSIS_USER,
    history: NO_HISTORY,
    config: placeholderConfig(snapshot.symbol),
  };
}

const NO_HISTORY: TradeHistoryContext = Object.freeze({
  tradeCount: 0,
  winRate: 0,
  averagePnl: 0,
  stopLossHitRate: 0,
  takeProfitHitRate: 0,
  recentTrend: 'none',
  losingStreak: 0,
});

/** One frozen default config per symbol: validating a new one for every candle cost a zod parse. */
const placeholderConfigs = new Map<string, TradingConfig>();
function placeholderConfig(symbol: string): TradingConfig {
  let config = placeholderConfigs.get(symbol);
  if (!config) {
    config = Object.freeze(defaultTradingConfig(SHARED_ANALYSIS_USER, { symbol }));
    placeholderConfigs.set(symbol, config);
  }
  return config;
}
