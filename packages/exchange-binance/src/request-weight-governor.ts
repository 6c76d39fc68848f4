import type { Clock } from '@trd/core';

export interface RequestWeightOptions {
  /** Binance's REQUEST_WEIGHT limit per minute (exchangeInfo `rateLimits`; 6000 today). */
  limitPerMinute?: number;
  /** Fraction of the limit at which requests wait for the next minute instead of risking a 429 and a ban. */
  slowDownAtRatio?: number;
}

export interface RequestWeightSnapshot {
  /** Weight used in the current minute, as Binance last reported it (plus what we sent since). */
  usedWeight: number;
  /** Start of the minute `usedWeight` belongs to, Unix ms. */
  windowStart: number;
  /** Unix ms until which Binance asked us to stop (Retry-After), 0 when not blocked. */
  blockedUntil: number;
}

const MINUTE_MS = 60_000;

/**
 * Keeps the adapter under Binance's per-IP request weight. Binance reports the weight used in the
 * current minute in `X-MBX-USED-WEIGHT-1M`; past `slowDownAtRatio` of the limit we wait for the next
 * minute on the injected clock, and after a 429/418 we wait out `Retry-After` before sending again.
 */
export class RequestWeightGovernor {
  private readonly limit: number;
  private readonly threshold: number;
  private used = 0;
  private windowStart = Number.NEGATIVE_INFINITY;
  private blockedUntil = 0;

  constructor(
    private readonly clock: Clock,
    options: RequestWeightOptions = {},
  ) {
    this.limit = options.limitPerMinute ?? 6000;
    this.threshold = this.limit * (options.slowDownAtRatio ?? 0.8);
  }

  /** Waits until a request of `weight` may be sent, then counts it. */
  async acquire(weight: number): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (this.blockedUntil > now) {
        await this.clock.sleep(this.blockedUntil - now);
        continue;
      }
      const window = minuteStart(now);
      if (window !== this.windowStart) {
        this.windowStart = window;
        this.used = 0;
      }
      if (this.used > 0 && this.used + weight > this.threshold) {
        await this.clock.sleep(window + MINUTE_MS - now);
        continue;
      }
      this.used += weight;
      return;
    }
  }

  /** Counts weight already spent without waiting (opening a WebSocket connection). */
  observeSpent(weight: number): void {
    const window = minuteStart(this.clock.now());
    if (window !== this.windowStart) {
      this.windowStart = window;
      this.used = 0;
    }
    this.used += weight;
  }

  /** Records the weight Binance says this IP used in the current minute. */
  observeUsedWeight(usedWeight: number): void {
    const window = minuteStart(this.clock.now());
    if (window !== this.windowStart) {
      this.windowStart = window;
      this.used = usedWeight;
      return;
    }
    // Responses to concurrent requests arrive out of order: the highest count is the freshest.
    this.used = Math.max(this.used, usedWeight);
  }

  /** Binance asked us to stop (429/418 with Retry-After). */
  blockFor(delayMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + delayMs);
  }

  snapshot(): RequestWeightSnapshot {
    return {
      usedWeight: this.used,
      windowStart: this.windowStart,
      blockedUntil: this.blockedUntil > this.clock.now() ? this.blockedUntil : 0,
    };
  }
}

function minuteStart(time: number): number {
  return Math.floor(time / MINUTE_MS) * MINUTE_MS;
}
