import type { Clock, ClockTimer } from '../../clock/clock';

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
  refuse: (error: Error) => void;
}

/** Makes the error a request refused during a suspension rejects with; `until` in clock ms. */
export type SuspensionRefusal = (until: number) => Error;

const MINUTE_MS = 60_000;

/**
 * Admits requests in arrival order under a concurrency cap and a requests-per-minute cap. One
 * scheduler is shared by every user of an analyzer, so a thousand users queue here instead of
 * firing a thousand requests at the model at once. A 429 can pause it for everyone: `pauseUntil`
 * holds requests until a known short wait is over, `suspendUntil` refuses them at once while a
 * quota is spent (so callers fail fast instead of waiting out a long reset).
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
  private suspension: { until: number; refuse: SuspensionRefusal } | undefined;
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

  /** While suspended, the clock time (ms) the suspension ends; otherwise undefined. */
  get suspendedUntil(): number | undefined {
    const suspension = this.activeSuspension();
    return suspension?.until;
  }

  /**
   * Runs `task` once a slot is free. Rejects with the signal's reason, without running the task,
   * if `signal` aborts while waiting; rejects at once, without running it, while suspended.
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

  /**
   * Until `time` (clock ms), refuses every queued request and every new one at once with
   * `refuse(time)`'s error, without running it; requests already running finish. A shorter
   * suspension never shortens a longer one. Afterwards requests run as before.
   */
  suspendUntil(time: number, refuse: SuspensionRefusal): void {
    if (time <= this.clock.now()) return;
    if (this.suspension && this.suspension.until >= time) return;
    this.suspension = { until: time, refuse };
    for (const waiter of this.queue.splice(0)) waiter.refuse(refuse(time));
  }

  private activeSuspension(): { until: number; refuse: SuspensionRefusal } | undefined {
    if (this.suspension && this.suspension.until <= this.clock.now()) this.suspension = undefined;
    return this.suspension;
  }

  private admit(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const suspension = this.activeSuspension();
    if (suspension) return Promise.reject(suspension.refuse(suspension.until));
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
        refuse: (error) => {
          signal?.removeEventListener('abort', waiter.onAbort);
          reject(error);
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
