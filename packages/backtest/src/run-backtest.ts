import {
  type Balances,
  ConfigError,
  createMemoryStore,
  createTradingBot,
  DEFAULT_ENGINE_SETTINGS,
  dec,
  defaultTradingConfig,
  isWithinTradingHours,
  type MemoryStore,
  RiskManager,
  type Trade,
  type TradingAccount,
  type TradingConfig,
  toDecimalString,
  VirtualClock,
} from '@trd/core';
import { createMockExchange, type FeedSpec, type MockExchange } from '@trd/exchange-mock';
import type { BacktestOptions } from './backtest-options';
import { resolveBacktestPeriod } from './backtest-period';
import type { BacktestReport, EquityPoint } from './backtest-report';
import { createClosedBarFeed } from './closed-bar-feed';
import { computeTradeStatistics } from './trade-statistics';

const MINUTE = 60_000;
/** The simulated venue's fee rate when none is given (0.1% a side), for the break-even win rate. */
const DEFAULT_FEE_RATE = '0.001';

export interface BacktestResult {
  /** One report per user, in the order of `options.users`. */
  reports: BacktestReport[];
  /** The store the engine wrote to, for checks (trades, analyses, portfolios). */
  store: MemoryStore;
  /** The simulated venue (orders, exits, balances). */
  exchange: MockExchange;
}

/**
 * Runs core's engine over recorded candles exactly as it runs live: a `TradingBot` with the
 * given analyzer and risk manager, an in-memory store, the simulated venue and a virtual clock
 * stepped one minute at a time. Each step sets the clock to a bar's close (so the engine sees only
 * closed candles), then runs `runCycle()` and `monitorPositions()`. Positions still open after
 * the last step are closed at market with `closeTrade` (MANUAL).
 * @throws ConfigError for a period without candles, a user on an unknown market or a duplicate user.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  const period = resolveBacktestPeriod(options.markets, options, settings.candleLimit);
  const clock = new VirtualClock(period.from);
  // A month records tens of thousands of holds per user: keep the newest, not all of them.
  const store = createMemoryStore({ clock, maxAnalysesPerUser: options.keepAnalyses ?? 1_000 });
  const feeds: Record<string, FeedSpec> = {};
  for (const [symbol, candles] of Object.entries(options.markets)) {
    feeds[symbol] = { kind: 'custom', feed: createClosedBarFeed(candles) };
  }
  const exchange = createMockExchange({
    clock,
    name: 'backtest',
    feeds,
    startingBalances: {},
    ...(options.rules ? { markets: { ...options.rules } } : {}),
    ...(options.feeRate === undefined ? {} : { feeRate: options.feeRate }),
    ...(options.slippageBps === undefined ? {} : { slippageBps: options.slippageBps }),
  });

  const users = await setUpUsers(options, exchange, store);
  const riskManager = options.riskManager ?? new RiskManager();
  const tradingHours =
    options.tradingHours === undefined ? DEFAULT_ENGINE_SETTINGS.tradingHours : options.tradingHours;
  // One account object per user for the whole run (the engine asks for it on every trade and check).
  const accounts = new Map<string, TradingAccount>();
  const bot = createTradingBot({
    marketData: exchange.marketData,
    accountFor: (userId) => {
      let account = accounts.get(userId);
      if (!account) {
        account = exchange.account({ apiKey: userId, secret: 'paper' });
        accounts.set(userId, account);
      }
      return account;
    },
    analyzer: options.analyzer,
    store,
    clock,
    riskManager,
    settings: {
      // Virtual time stands still during a step: an engine timer could only fire after the analysis
      // it guards. A model adapter keeps its own timeout, on the system clock.
      analysisTimeoutMs: Number.POSITIVE_INFINITY,
      ...options.settings,
      tradingHours: tradingHours === null ? null : { ...tradingHours },
    },
    instanceId: 'backtest',
  });

  const tally = new Map(users.map((user) => [user.id, { buy: 0, sell: 0, hold: 0, rejected: 0 }]));
  // Refusals by rule, per user (a signal may break several).
  const rejectedByCode = new Map<string, BacktestReport['riskRules']['rejectedByCode']>(
    users.map((user) => [user.id, {}]),
  );
  const errors: { userId?: string; stage: string; message: string; at: number }[] = [];
  bot.on('analysis', ({ userId, signal }) => {
    const counts = tally.get(userId);
    if (counts) counts[signal.action]++;
  });
  bot.on('trade:rejected', ({ userId, violations }) => {
    const counts = tally.get(userId);
    if (counts) counts.rejected++;
    const byCode = rejectedByCode.get(userId);
    if (byCode) for (const { code } of violations) byCode[code] = (byCode[code] ?? 0) + 1;
  });
  bot.on('error', ({ stage, userId, error, at }) => {
    errors.push({ ...(userId === undefined ? {} : { userId }), stage, message: error.message, at });
  });

  const equityByBar = new Map<string, EquityPoint[]>(users.map((user) => [user.id, []]));
  const markToMarket = options.equity === 'bar';
  const total = (period.to - period.from) / MINUTE + 1;

  // The live start: reconcile, then a cycle and a position check at every bar's close.
  await bot.reconcile();
  let steps = 0;
  for (let open = period.from; open <= period.to; open += MINUTE) {
    // Timers due (an analyzer sleeping on the clock) fire in order; otherwise time just moves, without
    // the event-loop turns a timer's promises would need.
    if (clock.pendingTimers > 0) await clock.advanceTo(open + MINUTE);
    else clock.set(open + MINUTE);
    const now = open + MINUTE;
    // Outside trading hours a cycle only reads and claims; with nothing open or in flight a monitor
    // pass finds nothing to do. One engine on its own store: skipping them changes no result.
    if (isWithinTradingHours(now, bot.settings.tradingHours)) await bot.runCycle();
    if (store.hasOpenWork()) await bot.monitorPositions();
    steps++;
    if (markToMarket) {
      for (const user of users) {
        const price = exchange.currentPrice(user.symbol);
        equityByBar.get(user.id)!.push({
          time: open + MINUTE,
          equity: equityOf(exchange.balances(user.id), user.quoteAsset, user.baseAsset, price),
        });
      }
    }
    options.onProgress?.(steps, total);
  }

  const reports: BacktestReport[] = [];
  for (const user of users) {
    const stillOpen = await store.openPositions(user.id);
    for (const position of stillOpen) await bot.closeTrade(user.id, position.tradeId);
    const trades = await closedTrades(store, user.id);
    const venueQuote = exchange.balances(user.id)[user.quoteAsset];
    const { dust } = await store.getPortfolio(user.id);
    const { rejected, ...signals } = tally.get(user.id)!;
    reports.push({
      userId: user.id,
      symbol: user.symbol,
      quoteAsset: user.quoteAsset,
      analyzer: options.analyzer.name,
      period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
      bars: period.bars,
      steps,
      tradingHours,
      signals,
      rejected,
      riskRules: {
        minRewardToRiskAfterFees: riskManager.limits.minRewardToRiskAfterFees ?? null,
        rejectedByCode: rejectedByCode.get(user.id)!,
      },
      closedAtEnd: stillOpen.length,
      errors: errors
        .filter((error) => error.userId === undefined || error.userId === user.id)
        .map(({ stage, message, at }) => ({ stage, message, at })),
      ...computeTradeStatistics(trades, user.startingBalance, {
        period: { start: period.from, end: period.to + MINUTE },
        candles: options.markets[user.symbol],
        exits: {
          takeProfitPercent: user.config.takeProfitPercent,
          stopLossPercent: user.config.stopLossPercent,
          feePercent: toDecimalString(dec(options.feeRate ?? DEFAULT_FEE_RATE).mul(100)),
        },
      }),
      finalBalance: toDecimalString(dec(venueQuote?.free ?? 0).plus(venueQuote?.locked ?? 0)),
      dust,
      trades: [...trades].sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1)),
      equityByBar: equityByBar.get(user.id)!,
    });
  }
  return { reports, store, exchange };
}

interface PreparedUser {
  id: string;
  config: TradingConfig;
  symbol: string;
  startingBalance: string;
  quoteAsset: string;
  baseAsset: string;
}

/** Funds every user's account and saves their active config. */
async function setUpUsers(
  options: BacktestOptions,
  exchange: MockExchange,
  store: MemoryStore,
): Promise<PreparedUser[]> {
  if (options.users.length === 0) throw new ConfigError('a backtest needs at least one user');
  const seen = new Set<string>();
  const prepared: PreparedUser[] = [];
  for (const user of options.users) {
    if (seen.has(user.id)) throw new ConfigError(`backtest user ${user.id} is given twice`);
    seen.add(user.id);
    if (!options.markets[user.symbol]) {
      throw new ConfigError(`backtest user ${user.id} trades ${user.symbol}, which has no candles`);
    }
    const { quoteAsset, baseAsset } = await exchange.marketData.rules(user.symbol);
    exchange.deposit(user.id, quoteAsset, user.startingBalance);
    const config = defaultTradingConfig(user.id, { ...user.config, isActive: true, symbol: user.symbol });
    await store.saveConfig(config);
    prepared.push({
      id: user.id,
      config,
      symbol: user.symbol,
      startingBalance: user.startingBalance,
      quoteAsset,
      baseAsset,
    });
  }
  return prepared;
}

function equityOf(balances: Balances, quote: string, base: string, price: number): string {
  const cash = balances[quote];
  const held = balances[base];
  let equity = dec(cash?.free ?? 0).plus(cash?.locked ?? 0);
  if (held && (held.free !== '0' || held.locked !== '0')) {
    equity = equity.plus(dec(held.free).plus(held.locked).mul(price));
  }
  return toDecimalString(equity);
}

async function closedTrades(store: MemoryStore, userId: string): Promise<Trade[]> {
  const trades: Trade[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await store.listTrades(userId, { limit: 500, offset, status: 'closed' });
    trades.push(...page.trades);
    if (page.trades.length === 0 || trades.length >= page.total) return trades;
  }
}
