import { readdirSync, readFileSync } from 'node:fs';
import { buildHistoryContext } from '../analysis/history-context';
import { computeIndicators } from '../analysis/indicators';
import { summarizeMarket } from '../analysis/market-summary';
import type { AnalysisInput, TradeHistoryContext } from '../domain/analysis-input';
import { type Candle, parseCandleCsv } from '../domain/candle';
import type { Trade } from '../domain/trade';
import { defaultTradingConfig, type TradingConfig } from '../domain/trading-config';
import { ConfigError } from '../errors';

// src/testing/ and dist/testing/ are both two levels below the package root.
const fixturesDirectory = new URL('../../fixtures/', import.meta.url);
const cache = new Map<string, readonly Candle[]>();

/** Names of the candle fixtures shipped with `@trd/core` (file names without `.csv`), sorted. */
export function listCandleFixtures(): string[] {
  return readdirSync(fixturesDirectory)
    .filter((file) => file.endsWith('.csv'))
    .map((file) => file.slice(0, -'.csv'.length))
    .sort();
}

/**
 * Real 1m candles from `packages/core/fixtures/<name>.csv`, ascending. Each call returns a fresh
 * array (the parsed file is cached).
 * @throws ConfigError for an unknown fixture or a malformed row.
 */
export function loadCandleFixture(name: string): Candle[] {
  let candles = cache.get(name);
  if (!candles) {
    if (!listCandleFixtures().includes(name)) {
      throw new ConfigError(`unknown candle fixture "${name}"; known: ${listCandleFixtures().join(', ')}`);
    }
    candles = parseCandleCsv(
      readFileSync(new URL(`${name}.csv`, fixturesDirectory), 'utf8'),
      `fixture ${name}`,
    );
    cache.set(name, candles);
  }
  return candles.map((candle) => ({ ...candle }));
}

export interface AnalysisInputOptions {
  /** Candle fixture to take the window from; default `btcusdt-1m-2024-09-21`. */
  fixture?: string;
  /** Index of the window's last candle in the fixture; default the window ends at the fixture's 100th candle. */
  endIndex?: number;
  /** Candles in the window; default 100 (what the reference bot fetches). */
  windowSize?: number;
  /** Use these candles instead of a fixture window. */
  candles?: readonly Candle[];
  userId?: string;
  /** Default: derived from the fixture name (BTCUSDT or ETHUSDT). */
  symbol?: string;
  /** The user's closed trades, newest first, turned into the history context. */
  closedTrades?: readonly Trade[];
  /** A ready history context (wins over `closedTrades`). */
  history?: TradeHistoryContext;
  config?: Partial<TradingConfig>;
}

/** A full `AnalysisInput` from a window of real candles: indicators, summary, history and config computed by core. */
export function createAnalysisInput(options: AnalysisInputOptions = {}): AnalysisInput {
  const fixture = options.fixture ?? 'btcusdt-1m-2024-09-21';
  const windowSize = options.windowSize ?? 100;
  let candles = options.candles;
  if (!candles) {
    const all = loadCandleFixture(fixture);
    const endIndex = options.endIndex ?? windowSize - 1;
    if (endIndex < 0 || endIndex >= all.length) {
      throw new ConfigError(`endIndex ${endIndex} is outside fixture ${fixture} (0–${all.length - 1})`);
    }
    candles = all.slice(Math.max(0, endIndex - windowSize + 1), endIndex + 1);
  }
  const userId = options.userId ?? 'user-1';
  const symbol =
    options.symbol ?? options.config?.symbol ?? (fixture.startsWith('eth') ? 'ETHUSDT' : 'BTCUSDT');
  return {
    userId,
    symbol,
    candles,
    indicators: computeIndicators(candles),
    market: summarizeMarket(symbol, candles),
    history: options.history ?? buildHistoryContext(options.closedTrades ?? []),
    config: defaultTradingConfig(userId, { ...options.config, symbol }),
  };
}
