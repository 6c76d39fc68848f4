import {
  type Analyzer,
  type Candle,
  ConfigError,
  createMemoryStore,
  createTradingBot,
  DEFAULT_ENGINE_SETTINGS,
  type DecimalString,
  type DustHolding,
  dec,
  defaultTradingConfig,
  type MemoryStore,
  type RiskLimits,
  RiskManager,
  type RiskViolationCode,
  type Trade,
  type TradingConfig,
  type TradingHours,
  toDecimalString,
  VirtualClock,
} from '@trd/core';
import { createMockExchange } from '@trd/exchange-mock';
import { computeTradeStatistics, type TradeStatistics } from './backtest-report';

const MINUTE = 60_000;
/** The user the backtest trades as. */
export const BACKTEST_USER = 'backtest';
/** The simulated venue's fee per side (its default rate, 0.1%), for the break-even win rate. */
const MOCK_FEE_PERCENT = '0.1';

export interface BacktestOptions {
  /** 1m candles, ascending; all of them are history the engine may see. */
  candles: readonly Candle[];
  symbol: string;
  /** First bar stepped over (Unix ms); default: the bar that gives the engine a full candle window. */
  from?: number | null;
  /** Last bar stepped over (Unix ms); default the last candle. */
  to?: number | null;
  /** Starting balance in the symbol's quote asset. */
  startingBalance: DecimalString;
  analyzer: Analyzer;
  /** Default the engine's (08:00–16:00 UTC); `null` trades around the clock. */
  tradingHours?: TradingHours | null;
  /** The user's trading settings (risk, TP/SL…); default the reference bot's. */
  config?: Partial<Omit<TradingConfig, 'userId' | 'symbol' | 'isActive'>>;
  /** The risk manager's limits (e.g. the opt-in `minRewardToRiskAfterFees`); default the reference's. */
  riskLimits?: Partial<RiskLimits>;
}

/** The machine-readable report: what ran, then the statistics, then every closed trade. */
export interface BacktestReport extends TradeStatistics {
  symbol: string;
  quoteAsset: string;
  analyzer: string;
  period: { from: string; to: string };
  /** Candles whose open time lies in the period. */
  bars: number;
  /** Engine steps run (one a minute, from `from` to `to`). */
  steps: number;
  tradingHours: TradingHours | null;
  /** Analyses by action. */
  signals: { buy: number; sell: number; hold: number };
  /** Signals the risk manager refused. */
  rejected: number;
  /** The opt-in fee-aware rule's minimum (`null`: off), and refusals by rule (a signal may break several). */
  riskRules: {
    minRewardToRiskAfterFees: string | null;
    rejectedByCode: Partial<Record<RiskViolationCode, number>>;
  };
  /** Positions still open after the last bar, closed at market (exit reason MANUAL). */
  closedAtEnd: number;
  /** The engine's `error` events. */
  errors: { stage: string; message: string; at: number }[];
  /**
   * The venue's quote balance at the end (free + locked): the account's real final balance. With
   * cash P&L it equals `finalEquity` to the last unit; the report says so when it does not.
   */
  finalBalance: DecimalString;
  /** Base asset left below one step by the exits, with its (already charged) cost. */
  dust: DustHolding[];
  trades: Trade[];
}

export interface BacktestResult {
  report: BacktestReport;
  /** The store the engine wrote to, for checks. */
  store: MemoryStore;
  userId: string;
}

/** The bars a backtest steps over. @throws ConfigError when the period holds no candle. */
export function resolveBacktestPeriod(
  candles: readonly Candle[],
  period: { from?: number | null; to?: number | null },
  warmupBars = DEFAULT_ENGINE_SETTINGS.candleLimit,
): { from: number; to: number; bars: number } {
  if (candles.length === 0) throw new ConfigError('there are no candles to replay');
  const first = candles[0]!.openTime;
  const last = candles.at(-1)!.openTime;
  const from = period.from ?? candles[Math.min(warmupBars - 1, candles.length - 1)]!.openTime;
  const to = period.to ?? last;
  const inPeriod = candles.filter((candle) => candle.openTime >= from && candle.openTime <= to);
  if (inPeriod.length === 0) {
    throw new ConfigError(
      `no candle between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}; ` +
        `the candles run from ${new Date(first).toISOString()} to ${new Date(last).toISOString()}`,
    );
  }
  return { from: inPeriod[0]!.openTime, to: inPeriod.at(-1)!.openTime, bars: inPeriod.length };
}

/**
 * Runs core's engine over recorded candles exactly as it runs live: an in-memory store, the
 * simulated exchange replaying the candles, and a virtual clock stepped one minute at a time,
 * each step a `runCycle()` then a `monitorPositions()`. Positions still open after the last
 * step are closed at market with `closeTrade` (MANUAL).
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const period = resolveBacktestPeriod(options.candles, options);
  const clock = new VirtualClock(period.from);
  const store = createMemoryStore({ clock });
  const exchange = createMockExchange({
    clock,
    name: 'backtest',
    feeds: { [options.symbol]: { kind: 'replay', candles: options.candles } },
    startingBalances: {},
  });
  const { quoteAsset } = await exchange.marketData.rules(options.symbol);
  exchange.deposit(BACKTEST_USER, quoteAsset, options.startingBalance);
  const config = defaultTradingConfig(BACKTEST_USER, {
    ...options.config,
    isActive: true,
    symbol: options.symbol,
  });
  await store.saveConfig(config);

  const tradingHours =
    options.tradingHours === undefined ? DEFAULT_ENGINE_SETTINGS.tradingHours : options.tradingHours;
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'paper' }),
    analyzer: options.analyzer,
    riskManager: new RiskManager(options.riskLimits),
    store,
    clock,
    settings: { tradingHours: tradingHours === null ? null : { ...tradingHours } },
    instanceId: 'backtest',
  });

  const signals = { buy: 0, sell: 0, hold: 0 };
  let rejected = 0;
  const errors: BacktestReport['errors'] = [];
  bot.on('analysis', ({ signal }) => {
    signals[signal.action]++;
  });
  const rejectedByCode: BacktestReport['riskRules']['rejectedByCode'] = {};
  bot.on('trade:rejected', ({ violations }) => {
    rejected++;
    for (const { code } of violations) rejectedByCode[code] = (rejectedByCode[code] ?? 0) + 1;
  });
  bot.on('error', ({ stage, error, at }) => {
    errors.push({ stage, message: error.message, at });
  });

  // The live start: reconcile, then a cycle and a position check every minute.
  await bot.reconcile();
  let steps = 0;
  for (let time = period.from; time <= period.to; time += MINUTE) {
    await clock.advanceTo(time);
    await bot.runCycle();
    await bot.monitorPositions();
    steps++;
  }
  const stillOpen = await store.openPositions(BACKTEST_USER);
  for (const position of stillOpen) await bot.closeTrade(BACKTEST_USER, position.tradeId);

  const trades = await closedTrades(store, BACKTEST_USER);
  const statistics = computeTradeStatistics(trades, options.startingBalance, {
    period: { start: period.from, end: period.to + MINUTE },
    candles: options.candles,
    exits: {
      takeProfitPercent: config.takeProfitPercent,
      stopLossPercent: config.stopLossPercent,
      feePercent: MOCK_FEE_PERCENT,
    },
  });
  const venueQuote = exchange.balances(BACKTEST_USER)[quoteAsset];
  const finalBalance = toDecimalString(dec(venueQuote?.free ?? 0).plus(venueQuote?.locked ?? 0));
  const { dust } = await store.getPortfolio(BACKTEST_USER);
  return {
    store,
    userId: BACKTEST_USER,
    report: {
      symbol: options.symbol,
      quoteAsset,
      analyzer: options.analyzer.name,
      period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
      bars: period.bars,
      steps,
      tradingHours,
      signals,
      rejected,
      riskRules: {
        minRewardToRiskAfterFees: options.riskLimits?.minRewardToRiskAfterFees ?? null,
        rejectedByCode,
      },
      closedAtEnd: stillOpen.length,
      errors,
      ...statistics,
      finalBalance,
      dust,
      trades: [...trades].sort((a, b) => a.openedAt - b.openedAt),
    },
  };
}

async function closedTrades(store: MemoryStore, userId: string): Promise<Trade[]> {
  const trades: Trade[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await store.listTrades(userId, { limit: 500, offset, status: 'closed' });
    trades.push(...page.trades);
    if (page.trades.length === 0 || trades.length >= page.total) return trades;
  }
}
