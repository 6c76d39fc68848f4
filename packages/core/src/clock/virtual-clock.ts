import { type Clock, type ClockTimer, sleepOn } from './clock';

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires due timers in time order and lets
 * the promises they start settle before moving on, so engine code awaiting `sleep` behaves as it
 * would in real time — in microseconds.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private nextId = 1;

  constructor(start: number | Date | string = 0) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { cancel: () => this.removeTimer(timer.id) };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time to `target` (Unix ms), firing every timer due on the way, in order. */
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.removeTimer(next.id);
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  /** Sets the time without firing timers (for a backtest that jumps between bars). */
  set(time: number): void {
    this.current = time;
  }

  private nextDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (
        timer.at <= target &&
        (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id))
      ) {
        best = timer;
      }
    }
    return best;
  }

  private removeTimer(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
}

/** Lets queued promise callbacks and I/O callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
