/** One method call seen by `recordCalls`. */
export interface RecordedCall {
  method: string;
  args: unknown[];
  /** Order of the call across every method of this recorder, from 0. */
  sequence: number;
}

export interface CallRecorder<T extends object> {
  /** The port to hand to the code under test: every method call is recorded, then forwarded. */
  readonly port: T;
  /** Every call so far, oldest first. */
  readonly calls: RecordedCall[];
  /** Calls of one method, oldest first. */
  callsOf(method: keyof T & string): RecordedCall[];
  /** How many times `method` was called. */
  count(method: keyof T & string): number;
  /** Forgets the calls recorded so far. */
  reset(): void;
}

/**
 * Wraps any port (MarketData, TradingAccount, Store, Analyzer…) and records each method call with
 * its arguments before forwarding it, e.g. to count candle fetches per cycle. Properties that are
 * not functions pass through unchanged.
 */
export function recordCalls<T extends object>(target: T): CallRecorder<T> {
  const calls: RecordedCall[] = [];
  const port = new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push({ method: property, args, sequence: calls.length });
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return {
    port,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    count: (method) => calls.filter((call) => call.method === method).length,
    reset: () => {
      calls.length = 0;
    },
  };
}
