import { EventEmitter } from 'eventemitter3';
import type { Clock, ClockTimer } from '../clock/clock';
import type { Trade } from '../domain/trade';
import { NotFoundError } from '../errors';
import type { TradingBotEvents } from '../events';
import type { Analyzer } from '../ports/analyzer';
import type { MarketData } from '../ports/market-data';
import type { Store } from '../ports/store';
import type { TradingAccount } from '../ports/trading-account';
import { RiskManager } from '../risk/risk-manager';
import { type CycleReport, type CycleState, createCycleState, runTradingCycle } from './cycle';
import { asError, type EngineContext } from './engine-context';
import { ModelBudget } from './model-budget';
import { closeAtMarket } from './position-closer';
import { type MonitorReport, monitorOpenPositions } from './position-monitor';
import { type ReconcileReport, reconcileIntents } from './reconciler';
import { type EngineSettings, type EngineSettingsInput, resolveEngineSettings } from './settings';

export interface TradingBotOptions {
  /** Public market data shared by every user. */
  marketData: MarketData;
  /** The trading account of a user (their credentials at the venue). Called whenever one is needed. */
  accountFor: (userId: string) => TradingAccount | Promise<TradingAccount>;
  analyzer: Analyzer;
  store: Store;
  /** Time and timers: the system clock live, a VirtualClock in tests and backtests. */
  clock: Clock;
  /** Default: `new RiskManager()` with the reference limits. */
  riskManager?: RiskManager;
  settings?: EngineSettingsInput;
  /** This process's name in user claims when several engines share a store. Default: a random id. */
  instanceId?: string;
}

/**
 * The trading engine: a typed event emitter that runs the reference bot's cycle and position
 * monitor on the injected clock. `runCycle`, `monitorPositions` and `reconcile` may be called
 * directly (tests, backtests); `start` schedules them.
 */
export class TradingBot extends EventEmitter<TradingBotEvents> {
  readonly settings: EngineSettings;
  readonly instanceId: string;
  private readonly context: EngineContext;
  private readonly cycleState: CycleState = createCycleState();
  private running = false;
  private timers: ClockTimer[] = [];
  private activeCycle: Promise<CycleReport> | null = null;
  private activeMonitor: Promise<MonitorReport> | null = null;

  constructor(options: TradingBotOptions) {
    super();
    this.settings = resolveEngineSettings(options.settings);
    this.instanceId = options.instanceId ?? `engine-${globalThis.crypto.randomUUID()}`;
    const accountFor = options.accountFor;
    this.context = {
      marketData: options.marketData,
      accountFor: async (userId) => accountFor(userId),
      analyzer: options.analyzer,
      store: options.store,
      clock: options.clock,
      riskManager: options.riskManager ?? new RiskManager(),
      settings: this.settings,
      modelBudget: new ModelBudget(options.clock, this.settings.modelBudget, this.settings.circuitBreaker),
      instanceId: this.instanceId,
      emit: (event, ...args) => {
        (this.emit as (name: string, ...payload: unknown[]) => boolean)(event, ...args);
      },
      inFlight: new Set(),
      closing: new Set(),
      held: new Set(),
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Reconciles with the venue, then runs a cycle and a monitor pass now and every cycleMs / monitorMs. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.reconcile();
    } catch (error) {
      // Safe to go on: users with unresolved intents or open positions are not traded, and every
      // monitor pass reconciles again.
      this.emit('error', { stage: 'reconcile', error: asError(error), at: this.context.clock.now() });
    }
    if (!this.running) return;
    this.schedule('cycle', 0);
    this.schedule('monitor', 0);
  }

  /** Stops scheduling, waits for the running cycle and monitor pass, and releases user claims. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    await Promise.allSettled([this.activeCycle, this.activeMonitor]);
    await this.context.store.releaseUsers?.(this.instanceId);
    this.context.held.clear();
  }

  /** One trading cycle. Concurrent calls share the cycle already running. */
  runCycle(): Promise<CycleReport> {
    this.activeCycle ??= runTradingCycle(this.context, this.cycleState).finally(() => {
      this.activeCycle = null;
    });
    return this.activeCycle;
  }

  /** One monitor pass over open positions and unfinished intents. Concurrent calls share it. */
  monitorPositions(): Promise<MonitorReport> {
    this.activeMonitor ??= monitorOpenPositions(this.context).finally(() => {
      this.activeMonitor = null;
    });
    return this.activeMonitor;
  }

  /**
   * Settles unfinished intents and open positions with the venue (what `start` does first):
   * found orders are recorded, orders missing beyond the grace period are marked failed, exits
   * that filled while the engine was down close their trades. Never sends an order twice.
   */
  async reconcile(): Promise<ReconcileReport> {
    const report = await reconcileIntents(this.context);
    await this.activeMonitor;
    await monitorOpenPositions(this.context, { settleIntents: false });
    return report;
  }

  /**
   * Closes a user's open trade at market now (reason MANUAL), as the timeout does.
   * @throws NotFoundError when the trade is not that user's open trade.
   */
  async closeTrade(userId: string, tradeId: string): Promise<Trade> {
    const position = (await this.context.store.openPositions(userId)).find((p) => p.tradeId === tradeId);
    if (!position) throw new NotFoundError(`trade ${tradeId} is not an open trade of user ${userId}`);
    try {
      return await closeAtMarket(this.context, position, 'MANUAL');
    } catch (error) {
      this.emit('error', {
        stage: 'close',
        userId,
        symbol: position.symbol,
        error: asError(error),
        at: this.context.clock.now(),
      });
      throw error;
    }
  }

  private schedule(kind: 'cycle' | 'monitor', delayMs: number): void {
    if (!this.running) return;
    const timer = this.context.clock.setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      const started = this.context.clock.now();
      const work = kind === 'cycle' ? this.runCycle() : this.monitorPositions();
      void work
        .catch((error) =>
          this.emit('error', {
            stage: kind === 'cycle' ? 'cycle' : 'monitor',
            error: asError(error),
            at: this.context.clock.now(),
          }),
        )
        .finally(() => {
          // Fixed rate: the next run starts one interval after this one started (at once if it overran).
          const interval = kind === 'cycle' ? this.settings.cycleMs : this.settings.monitorMs;
          this.schedule(kind, Math.max(0, started + interval - this.context.clock.now()));
        });
    }, delayMs);
    this.timers.push(timer);
  }
}

export function createTradingBot(options: TradingBotOptions): TradingBot {
  return new TradingBot(options);
}
