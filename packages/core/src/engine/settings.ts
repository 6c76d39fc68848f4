import { ConfigError } from '../errors';
import type { ExitLevelSource } from '../exchange/exit-plan';
import type { AnalysisMode } from './analysis-runner';
import { type CircuitBreakerSettings, DEFAULT_CIRCUIT_BREAKER, type ModelBudgetLimits } from './model-budget';

/** UTC hours in which the engine analyses and opens trades; `start` inclusive, `end` exclusive. */
export interface TradingHours {
  startHourUtc: number;
  endHourUtc: number;
}

/** How the engine runs. Defaults are the reference bot's. Durations in ms. */
export interface EngineSettings {
  /** Time between trading cycles. Default 60 000. */
  cycleMs: number;
  /** Time between position checks (in and out of trading hours). Default 60 000. */
  monitorMs: number;
  /** Hours in which new trades may open; `null` trades around the clock. Default 08:00–16:00 UTC. */
  tradingHours: TradingHours | null;
  /** A user analysed less than this long ago is skipped. Default 30 000. */
  userCooldownMs: number;
  /** Positions open longer than this are closed at market (TIMEOUT). Default 30 min. */
  positionTimeoutMs: number;
  /** 1m candles fetched per symbol per cycle. Default 100. */
  candleLimit: number;
  /**
   * Model calls (and market-data fetches) in flight at once. Default 16. In shared mode most users
   * make no call of their own, so this bounds the analyzer, not the cycle.
   */
  analysisConcurrency: number;
  /**
   * Users going through a cycle at once: their store reads and writes, risk checks and orders.
   * More in flight lets the store group their writes (one statement for many users); each venue
   * account still sees one order at a time. Default 256.
   */
  tradeConcurrency: number;
  /**
   * An analysis that takes longer is aborted and reported as that user's error. Default 30 000.
   * `Infinity`: no timer at all (a backtest on a virtual clock, where a timer could only fire
   * between steps, after the analysis it guards; a model adapter keeps its own timeout).
   */
  analysisTimeoutMs: number;
  /** Signals whose prices are further than this from the market become `hold`. Default 5 (%). */
  maxPriceDeviationPercent: number;
  /** How long an order whose outcome is unknown may be "not found" before its intent fails. Default 60 000. */
  orderLookupGraceMs: number;
  /**
   * Where exit levels come from: `config` (the user's take-profit / stop-loss percentages, the
   * reference bot's) or `signal` (the analyzer's levels, bounded by those percentages). Sizing
   * uses the same stop. Default `config`.
   */
  exitLevelSource: ExitLevelSource;
  /**
   * `shared`: one model call per symbol and closed candle for every user on it, the performance
   * rules applied per user in code; `personal`: one analysis per user with their history (the
   * reference bot's). Identical inputs are analysed once either way. Default `shared`.
   */
  analysisMode: AnalysisMode;
  /** Spending limits checked before every model call; default none. */
  modelBudget: ModelBudgetLimits;
  /** Consecutive failed model calls that open the breaker, and how long it stays open. */
  circuitBreaker: CircuitBreakerSettings;
  /** Lifetime of a user claim when several engines share a store. Default 3 × max(cycleMs, monitorMs). */
  claimTtlMs: number;
}

export type EngineSettingsInput = Partial<EngineSettings>;

export const DEFAULT_ENGINE_SETTINGS: Readonly<Omit<EngineSettings, 'claimTtlMs'>> = Object.freeze({
  cycleMs: 60_000,
  monitorMs: 60_000,
  tradingHours: Object.freeze({ startHourUtc: 8, endHourUtc: 16 }),
  userCooldownMs: 30_000,
  positionTimeoutMs: 30 * 60_000,
  candleLimit: 100,
  analysisConcurrency: 16,
  tradeConcurrency: 256,
  analysisTimeoutMs: 30_000,
  maxPriceDeviationPercent: 5,
  orderLookupGraceMs: 60_000,
  exitLevelSource: 'config',
  analysisMode: 'shared',
  modelBudget: Object.freeze({}),
  circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
});

/** Fills defaults and checks every value. @throws ConfigError naming the bad setting. */
export function resolveEngineSettings(input: EngineSettingsInput = {}): EngineSettings {
  const merged = { ...DEFAULT_ENGINE_SETTINGS, ...stripUndefined(input) };
  const settings: EngineSettings = {
    ...merged,
    claimTtlMs: input.claimTtlMs ?? 3 * Math.max(merged.cycleMs, merged.monitorMs),
  };
  const positive: (keyof EngineSettings)[] = [
    'cycleMs',
    'monitorMs',
    'positionTimeoutMs',
    'candleLimit',
    'analysisConcurrency',
    'tradeConcurrency',
    'analysisTimeoutMs',
    'maxPriceDeviationPercent',
    'claimTtlMs',
  ];
  for (const key of positive) {
    const value = settings[key];
    const finite =
      Number.isFinite(value) || (key === 'analysisTimeoutMs' && value === Number.POSITIVE_INFINITY);
    if (typeof value !== 'number' || !finite || value <= 0) {
      throw new ConfigError(`setting ${key} must be a positive number, got ${String(value)}`);
    }
  }
  for (const key of ['userCooldownMs', 'orderLookupGraceMs'] as const) {
    if (!Number.isFinite(settings[key]) || settings[key] < 0) {
      throw new ConfigError(`setting ${key} must be zero or more, got ${String(settings[key])}`);
    }
  }
  for (const key of ['candleLimit', 'analysisConcurrency', 'tradeConcurrency'] as const) {
    if (!Number.isInteger(settings[key])) throw new ConfigError(`setting ${key} must be an integer`);
  }
  if (settings.analysisMode !== 'shared' && settings.analysisMode !== 'personal') {
    throw new ConfigError(
      `setting analysisMode must be "shared" or "personal", got ${String(settings.analysisMode)}`,
    );
  }
  if (settings.exitLevelSource !== 'config' && settings.exitLevelSource !== 'signal') {
    throw new ConfigError(
      `setting exitLevelSource must be "config" or "signal", got ${String(settings.exitLevelSource)}`,
    );
  }
  const hours = settings.tradingHours;
  if (hours !== null) {
    for (const [name, hour] of Object.entries(hours)) {
      if (!Number.isInteger(hour) || hour < 0 || hour > 24) {
        throw new ConfigError(`tradingHours.${name} must be a whole hour from 0 to 24, got ${String(hour)}`);
      }
    }
    if (hours.startHourUtc === hours.endHourUtc) {
      throw new ConfigError('tradingHours start and end are equal; use null to trade around the clock');
    }
  }
  return settings;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
