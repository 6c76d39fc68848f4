import {
  type Analyzer,
  type Candle,
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type MemoryStore,
  OrderNotFoundError,
  RiskManager,
  roundToTick,
  type Signal,
  type Store,
  type TradingAccount,
  type TradingBot,
  VirtualClock,
} from '@trd/core';
import { createMockExchange, type MockExchange } from '@trd/exchange-mock';
import { SIMULATED_MARKETS } from './markets';
import type { Answer, BarMove, Scenario } from './scenario';

const MINUTE = 60_000;
/** 2025-03-03 10:00 UTC: any time works, the engine trades around the clock here. */
export const SIMULATION_START = Date.UTC(2025, 2, 3, 10);
const WARMUP_BARS = 30;
/** Minutes of calm at the end: no faults, no crashes, the analyzer holds. */
export const quietMinutes = (scenario: Scenario) => scenario.timeoutMinutes + 4;

export const userId = (index: number) => `user-${index}`;

/** The engine process died (a simulated crash): every later call of that process fails. */
export class CrashError extends Error {
  constructor() {
    super('simulated crash: the engine process is gone');
  }
}

/** Life of one engine process: it dies after a given number of store writes and venue sends. */
class ProcessLife {
  dead = false;
  private remaining = Number.POSITIVE_INFINITY;

  dieAfter(operations: number): void {
    this.remaining = Math.min(this.remaining, operations);
  }
  check(): void {
    if (this.dead) throw new CrashError();
  }
  /** Counts one operation; true when the process dies at it. */
  operation(): boolean {
    this.check();
    if (this.remaining-- > 0) return false;
    this.dead = true;
    return true;
  }
}

const STORE_WRITES = new Set([
  'journalIntent',
  'updateIntent',
  'recordOpenedTrade',
  'recordClosedTrade',
  'recordFailedTrade',
  'updatePositionExit',
]);
const VENUE_SENDS = new Set(['placeMarketOrder', 'placeExit', 'cancelExit']);

/**
 * The real engine, the memory store and the simulated venue on a virtual clock, driven by a
 * scenario. A crash kills the engine process mid-flight (before a store write, or after a venue
 * send whose answer it never sees); a new process then starts on the same store and venue.
 */
export class SimulatedWorld {
  readonly clock = new VirtualClock(SIMULATION_START);
  readonly store: MemoryStore;
  readonly exchange: MockExchange;
  readonly monitorMs = MINUTE;
  bot!: TradingBot;
  /** Error events of the current step. */
  stepErrors: string[] = [];
  restarts = 0;
  private life = new ProcessLife();
  private readonly answerIndex = new Map<string, number>();
  private readonly forgetExit = new Set<string>();
  private quiet = false;
  private currentStep = 0;
  /** Injected venue faults not yet seen to hit a call, by user. */
  private readonly pendingFaults: { user: string; remaining: () => number }[] = [];
  /** Steps in which a fault or a crash hit each user (it may then stay unprotected longer). */
  private readonly faultedSteps = new Map<string, Set<number>>();

  constructor(readonly scenario: Scenario) {
    this.store = createMemoryStore({ clock: this.clock });
    const feeds: Record<string, { kind: 'replay'; candles: Candle[] }> = {};
    const markets: Record<string, Record<string, string>> = {};
    SIMULATED_MARKETS.forEach((market, index) => {
      feeds[market.rules.symbol] = {
        kind: 'replay',
        candles: priceBars(
          market.startPrice,
          market.rules.tickSize,
          scenario.moves[index] ?? [],
          quietMinutes(scenario),
        ),
      };
      const { symbol: _symbol, ...rules } = market.rules;
      markets[market.rules.symbol] = rules;
    });
    this.exchange = createMockExchange({
      clock: this.clock,
      feeds,
      markets,
      startingBalances: {},
      orderVisibilityDelayMs: scenario.visibilityDelayMs,
    });
  }

  async start(): Promise<void> {
    for (const [index, user] of this.scenario.users.entries()) {
      const market = SIMULATED_MARKETS[user.market]!;
      this.exchange.deposit(userId(index), 'USDT', user.balance);
      await this.store.saveConfig(
        defaultTradingConfig(userId(index), {
          isActive: true,
          symbol: market.rules.symbol,
          riskPercent: user.riskPercent,
          maxPositionPercent: user.maxPositionPercent,
          stopLossPercent: user.stopLossPercent,
          takeProfitPercent: user.takeProfitPercent,
          maxDailyTrades: 1_000,
        }),
      );
    }
    await this.startProcess();
  }

  /** One minute: faults and crashes of the step armed, then a cycle and a monitor pass. */
  async step(step: number): Promise<void> {
    this.stepErrors = [];
    if (!this.quiet) {
      for (const fault of this.scenario.faults.filter((f) => f.step === step)) {
        if (fault.kind === 'exit_not_found') this.forgetExit.add(userId(fault.user));
        else
          this.exchange.faults.inject({
            kind: fault.kind,
            operation: fault.operation,
            account: userId(fault.user),
          });
      }
      for (const crash of this.scenario.crashes.filter((c) => c.step === step))
        this.life.dieAfter(crash.afterOperations);
    }
    await this.clock.advanceTo(SIMULATION_START + step * MINUTE);
    await this.bot.runCycle().catch(() => undefined);
    await this.bot.monitorPositions().catch(() => undefined);
    if (this.life.dead) {
      for (const index of this.scenario.users.keys()) this.markFaulted(userId(index));
      await this.startProcess();
    }
    for (let i = this.pendingFaults.length - 1; i >= 0; i--) {
      const fault = this.pendingFaults[i]!;
      if (fault.remaining() > 0) continue;
      this.markFaulted(fault.user);
      this.pendingFaults.splice(i, 1);
    }
  }

  /** Monitor passes after `since` in which no fault or crash hit the user. */
  cleanPassesSince(user: string, since: number): number {
    const faulted = this.faultedSteps.get(user) ?? new Set<number>();
    let clean = 0;
    for (let step = Math.floor((since - SIMULATION_START) / MINUTE) + 1; step <= this.currentStep; step++) {
      if (!faulted.has(step)) clean++;
    }
    return clean;
  }

  private markFaulted(user: string): void {
    const steps = this.faultedSteps.get(user) ?? new Set<number>();
    steps.add(this.currentStep);
    this.faultedSteps.set(user, steps);
  }

  /** From here on: no faults, no crashes, and the analyzer holds. */
  beQuiet(): void {
    this.quiet = true;
    this.exchange.faults.clear();
    this.pendingFaults.length = 0;
    this.forgetExit.clear();
  }

  private async startProcess(): Promise<void> {
    if (this.bot) this.restarts++;
    const life = new ProcessLife();
    this.life = life;
    const bot = createTradingBot({
      marketData: this.exchange.marketData,
      accountFor: (id) => this.account(id, life),
      analyzer: this.analyzer(life),
      store: guardedStore(this.store, life),
      clock: this.clock,
      // The venue fills at the last price: the risk manager expects no slippage.
      riskManager: new RiskManager({ slippagePercent: '0' }),
      settings: {
        tradingHours: null,
        cycleMs: MINUTE,
        monitorMs: this.monitorMs,
        userCooldownMs: 0,
        candleLimit: WARMUP_BARS,
        positionTimeoutMs: this.scenario.timeoutMinutes * MINUTE,
        exitLevelSource: this.scenario.exitLevelSource,
        // Answers are scripted per user.
        analysisMode: 'personal',
      },
      // Stable across restarts, like a host name: the new process resumes the dead one's claims at
      // once (a fresh id would wait claimTtlMs for them to expire).
      instanceId: 'simulated-engine',
    });
    bot.on('error', ({ error, userId: id }) => {
      if (!(error instanceof CrashError) && !(error.cause instanceof CrashError))
        this.stepErrors.push(`${id ?? '-'}: ${error.message}`);
    });
    this.bot = bot;
    // What `start` does first; a crash right here is a crash like any other.
    await bot.reconcile().catch(() => undefined);
    if (life.dead) await this.startProcess();
  }

  private account(id: string, life: ProcessLife): TradingAccount {
    const real = this.exchange.account({ apiKey: id, secret: 'simulated' });
    const forgetExit = this.forgetExit;
    const faulted = () => this.markFaulted(id);
    return new Proxy(real, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const name = String(property);
        return async (...args: unknown[]) => {
          life.check();
          if (name === 'exitStatus' && forgetExit.delete(id)) {
            faulted();
            throw new OrderNotFoundError('Order list does not exist. (simulated: the venue forgot the exit)');
          }
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (VENUE_SENDS.has(name) && life.operation()) throw new CrashError();
          return result;
        };
      },
    });
  }

  private analyzer(life: ProcessLife): Analyzer {
    return {
      specificationVersion: 'v1',
      name: 'simulated',
      dependsOnUser: true,
      analyze: async (input) => {
        life.check();
        const index = Number(input.userId.slice('user-'.length));
        const answers = this.scenario.answers[index] ?? [{ kind: 'hold' }];
        const turn = this.answerIndex.get(input.userId) ?? 0;
        this.answerIndex.set(input.userId, turn + 1);
        return signalOf(this.quiet ? { kind: 'hold' } : answers[turn % answers.length]!, input.market.price);
      },
    };
  }
}

function signalOf(answer: Answer, price: number): Signal {
  if (answer.kind === 'hold') return { action: 'hold', confidence: 0 };
  if (answer.kind === 'fail') throw new Error('simulated model failure');
  const entry = price * (1 + answer.entryBps / 10_000);
  const direction = answer.kind === 'buy' ? 1 : -1;
  return {
    action: answer.kind,
    confidence: answer.confidence,
    entryPrice: entry,
    stopLoss: entry * (1 - (direction * answer.stopBps) / 10_000),
    takeProfit: entry * (1 + (direction * answer.takeProfitBps) / 10_000),
  };
}

/** The memory store as one process sees it: gone when the process dies; it dies before a write. */
function guardedStore(store: Store, life: ProcessLife): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      return async (...args: unknown[]) => {
        if (STORE_WRITES.has(name)) {
          if (life.operation()) throw new CrashError();
        } else life.check();
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

/** Warm-up bars, then one bar per move, then calm bars: every price on the tick. */
function priceBars(startPrice: number, tick: string, moves: readonly BarMove[], calm: number): Candle[] {
  const onTick = (price: number) => Math.max(Number(tick), Number(roundToTick(price, tick)));
  const bars: Candle[] = [];
  let close = startPrice;
  const first = SIMULATION_START - WARMUP_BARS * MINUTE;
  const calmMoves: BarMove[] = Array.from({ length: calm + 2 }, () => ({
    gapBps: 0,
    driftBps: 0,
    wickBps: 2,
  }));
  const warmup: BarMove[] = Array.from({ length: WARMUP_BARS }, (_, i) => ({
    gapBps: 0,
    driftBps: i % 2 ? 3 : -3,
    wickBps: 3,
  }));
  [...warmup, ...moves, ...calmMoves].forEach((move, i) => {
    const open = onTick(close * (1 + move.gapBps / 10_000));
    const next = onTick(open * (1 + move.driftBps / 10_000));
    const high = onTick(Math.max(open, next) * (1 + move.wickBps / 10_000));
    const low = onTick(Math.min(open, next) * (1 - move.wickBps / 10_000));
    bars.push({
      openTime: first + i * MINUTE,
      open,
      high: Math.max(high, open, next),
      low: Math.min(low, open, next),
      close: next,
      volume: 1,
    });
    close = next;
  });
  return bars;
}
