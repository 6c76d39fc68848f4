import type { Clock } from '../clock/clock';
import type { AnalysisUsage } from '../domain/signal';
import { ConfigError } from '../errors';
import { startOfUtcDay } from '../risk/utc-day';

/**
 * What the engine may spend on its analyzer, enforced in code before every model call (so every
 * analyzer adapter gets it). Days are UTC days of the engine's clock. Per-user limits count the
 * calls made for one user (personal mode); a shared call serves everyone and counts per process.
 */
export interface ModelBudgetLimits {
  requestsPerMinute?: number;
  requestsPerDay?: number;
  /** From the signal's `usage.totalTokens` (or input + output). */
  tokensPerDay?: number;
  /** From the signal's `usage.costUsd` (the adapter's pricing). */
  dollarsPerDay?: number;
  perUser?: { requestsPerDay?: number; tokensPerDay?: number; dollarsPerDay?: number };
}

/** Repeated failures open the breaker: calls become holds until it cools down. */
export interface CircuitBreakerSettings {
  /** Consecutive failed calls that open it. Default 5. */
  failures: number;
  /** How long it stays open before one trial call. Default 300 000 (5 min). */
  cooldownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerSettings> = Object.freeze({
  failures: 5,
  cooldownMs: 300_000,
});

interface Spend {
  day: number;
  requests: number;
  tokens: number;
  dollars: number;
}

/** Why a call may not be made now, with when it may (if known). */
export interface Refusal {
  reason: string;
  until?: number;
}

export class ModelBudget {
  private readonly minute: number[] = [];
  private process: Spend;
  private readonly users = new Map<string, Spend>();
  private consecutiveFailures = 0;
  private openUntil: number | null = null;
  /** The analyzer said it sends again only then (a spent quota): no call before. */
  private paused: { until: number; reason: string } | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly limits: ModelBudgetLimits = {},
    private readonly breaker: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER,
  ) {
    for (const [name, value] of Object.entries({ ...limits, ...limits.perUser })) {
      if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0))
        throw new ConfigError(`model budget ${name} must be a number of 0 or more, got ${value}`);
    }
    if (!(breaker.failures >= 1 && breaker.cooldownMs > 0))
      throw new ConfigError('circuit breaker needs failures >= 1 and cooldownMs > 0');
    this.process = this.emptySpend();
  }

  /**
   * Takes one call from the budget for `userId` (undefined for a shared call), or says why not.
   * A refused call spends nothing.
   */
  reserve(userId?: string): Refusal | null {
    const now = this.clock.now();
    if (this.paused !== null && now < this.paused.until)
      return {
        reason: `the model is paused until ${new Date(this.paused.until).toISOString()}: ${this.paused.reason}`,
        until: this.paused.until,
      };
    if (this.openUntil !== null && now < this.openUntil)
      return {
        reason: `the model circuit is open after ${this.consecutiveFailures} failed calls`,
        until: this.openUntil,
      };
    while (this.minute.length > 0 && this.minute[0]! <= now - 60_000) this.minute.shift();
    const dayEnd = startOfUtcDay(now) + 86_400_000;
    const { limits } = this;
    if (limits.requestsPerMinute !== undefined && this.minute.length >= limits.requestsPerMinute)
      return {
        reason: `${limits.requestsPerMinute} model requests a minute reached`,
        until: this.minute[0]! + 60_000,
      };
    const exhausted = (
      spend: Spend,
      caps: Omit<ModelBudgetLimits, 'perUser' | 'requestsPerMinute'>,
      who: string,
    ) => {
      if (caps.requestsPerDay !== undefined && spend.requests >= caps.requestsPerDay)
        return `${who}'s ${caps.requestsPerDay} model requests today reached`;
      if (caps.tokensPerDay !== undefined && spend.tokens >= caps.tokensPerDay)
        return `${who}'s ${caps.tokensPerDay} model tokens today reached`;
      if (caps.dollarsPerDay !== undefined && spend.dollars >= caps.dollarsPerDay)
        return `${who}'s $${caps.dollarsPerDay} of model calls today reached`;
      return null;
    };
    const processReason = exhausted(this.today(this.process), limits, 'the process');
    if (processReason) return { reason: processReason, until: dayEnd };
    if (userId !== undefined && limits.perUser) {
      const userReason = exhausted(this.userSpend(userId), limits.perUser, `user ${userId}`);
      if (userReason) return { reason: userReason, until: dayEnd };
    }
    this.minute.push(now);
    this.process.requests++;
    if (userId !== undefined) this.userSpend(userId).requests++;
    return null;
  }

  /**
   * Records what a reserved call used and whether it worked (the breaker counts failures). A
   * failure with `resumesAt` in the future is the analyzer pausing for a spent quota: every call
   * is refused until then, and it is not a breaker failure (the service answered, the quota is out).
   */
  settle(
    outcome: { ok: true; usage?: AnalysisUsage } | { ok: false; resumesAt?: number; reason?: string },
    userId?: string,
  ): void {
    if (!outcome.ok && outcome.resumesAt !== undefined && outcome.resumesAt > this.clock.now()) {
      if (
        this.paused === null ||
        outcome.resumesAt > this.paused.until ||
        this.clock.now() >= this.paused.until
      )
        this.paused = { until: outcome.resumesAt, reason: outcome.reason ?? 'the analyzer paused' };
      return;
    }
    if (!outcome.ok) {
      this.consecutiveFailures++;
      if (this.consecutiveFailures >= this.breaker.failures)
        this.openUntil = this.clock.now() + this.breaker.cooldownMs;
      return;
    }
    this.consecutiveFailures = 0;
    this.openUntil = null;
    const usage = outcome.usage;
    const tokens = usage?.totalTokens ?? (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    const dollars = usage?.costUsd ?? 0;
    for (const spend of [
      this.today(this.process),
      ...(userId === undefined ? [] : [this.userSpend(userId)]),
    ]) {
      spend.tokens += tokens;
      spend.dollars += dollars;
    }
  }

  private today(spend: Spend): Spend {
    const day = startOfUtcDay(this.clock.now());
    if (spend.day !== day) Object.assign(spend, { day, requests: 0, tokens: 0, dollars: 0 });
    return spend;
  }

  private userSpend(userId: string): Spend {
    let spend = this.users.get(userId);
    if (!spend) {
      spend = this.emptySpend();
      this.users.set(userId, spend);
    }
    return this.today(spend);
  }

  private emptySpend(): Spend {
    return { day: startOfUtcDay(this.clock.now()), requests: 0, tokens: 0, dollars: 0 };
  }
}
