import type { Clock, ClockTimer } from '@trd/core';

export interface RequestSchedulerOptions {
  clock: Clock;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Most requests started in any sliding 60-second window. */
  requestsPerMinute: number;
}

interface Waiter {
  start: () => void;
  onAbort: () => void;
}

const MINUTE_MS = 60_000;

/**
 * Admits requests in arrival order under a concurrency cap and a requests-per-minute cap. One
 * scheduler is shared by every user of an analyzer, so a thousand users queue here instead of
 * firing a thousand requests at the model at once. A 429 can pause it for everyone.
 */
export class RequestScheduler {
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly requestsPerMinute: number;
  private readonly queue: Waiter[] = [];
  /** Start times (clock ms) of requests in the current window, oldest first. */
  private readonly starts: number[] = [];
  private active = 0;
  private pausedUntil = 0;
  private wakeUp: { at: number; timer: ClockTimer } | undefined;

  constructor(options: RequestSchedulerOptions) {
    this.clock = options.clock;
    this.concurrency = options.concurrency;
    this.requestsPerMinute = options.requestsPerMinute;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  /** Requests running now. */
  get running(): number {
    return this.active;
  }

  /**
   * Runs `task` once a slot is free. Rejects with the signal's reason, without running the task,
   * if `signal` aborts while waiting.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.admit(signal);
    try {
      return await task();
    } finally {
      this.active--;
      this.pump();
    }
  }

  /** Starts nothing before `time` (clock ms): the service said the whole quota is spent until then. */
  pauseUntil(time: number): void {
    if (time <= this.pausedUntil) return;
    this.pausedUntil = time;
    this.pump();
  }

  private admit(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Starts as many queued requests as the caps allow, or sets a timer for when the next may start. */
  private pump(): void {
    while (this.queue.length > 0 && this.active < this.concurrency) {
      const now = this.clock.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - MINUTE_MS) this.starts.shift();
      const readyAt = Math.max(
        this.pausedUntil,
        this.starts.length >= this.requestsPerMinute ? this.starts[0]! + MINUTE_MS : now,
      );
      if (readyAt > now) {
        this.wakeAt(readyAt);
        return;
      }
      const waiter = this.queue.shift()!;
      this.starts.push(now);
      this.active++;
      waiter.start();
    }
  }

  private wakeAt(time: number): void {
    if (this.wakeUp && this.wakeUp.at <= time) return;
    this.wakeUp?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.wakeUp = undefined;
      this.pump();
    }, time - this.clock.now());
    this.wakeUp = { at: time, timer };
  }
}
