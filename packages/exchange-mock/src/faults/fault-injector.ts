import {
  ExchangeUnavailableError,
  OrderRejectedError,
  OrderStatusUnknownError,
  RateLimitedError,
  type TrdError,
} from '@trd/core';

/** Every venue call a fault can target. */
export type MockOperation =
  | 'candles'
  | 'price'
  | 'rules'
  | 'balances'
  | 'placeMarketOrder'
  | 'findOrder'
  | 'placeExit'
  | 'findExit'
  | 'exitStatus'
  | 'cancelExit';

/** Calls that send an order: their failures leave the outcome unknown. */
const placements: readonly MockOperation[] = ['placeMarketOrder', 'placeExit'];

/**
 * - `network`: the request never reached the venue (`ExchangeUnavailableError`); nothing happens.
 * - `timeout`: no answer in time and nothing happened; placements throw `OrderStatusUnknownError`
 *   (the caller cannot know), other calls `ExchangeUnavailableError`.
 * - `rate_limit`: `RateLimitedError` with `retryAfterMs`; nothing happens.
 * - `reject`: the venue refuses the order (`OrderRejectedError`, Binance's -2010 by default).
 * - `response_lost`: the call IS executed, then the answer is lost: placements throw
 *   `OrderStatusUnknownError`, other calls `ExchangeUnavailableError`.
 */
export type FaultKind = 'network' | 'timeout' | 'rate_limit' | 'reject' | 'response_lost';

export interface FaultSpec {
  kind: FaultKind;
  /** Calls it applies to; default: placements for `reject`/`response_lost`, every call otherwise. */
  operation?: MockOperation | readonly MockOperation[];
  /** How many matching calls fail; default 1. `Infinity` until cleared. */
  times?: number;
  /** Only calls of the account with this API key (market data calls have no account). */
  account?: string;
  /** Only calls about this symbol. */
  symbol?: string;
  /** For `rate_limit`; default 1000 ms. */
  retryAfterMs?: number;
  /** For `reject`: the venue's code; default -2010. */
  venueCode?: string | number;
  message?: string;
}

export interface InjectedFault {
  readonly spec: Readonly<FaultSpec>;
  /** Calls still to fail. */
  remaining(): number;
  cancel(): void;
}

export interface FaultContext {
  operation: MockOperation;
  account?: string;
  symbol?: string;
  clientOrderId?: string;
}

/** What a call must do about faults: throw now, or run and then throw. */
export interface FaultDecision {
  /** Throws before the call runs, when a fault says so. */
  before(): void;
  /** Throws after the call ran (`response_lost`), when a fault says so. */
  after(): void;
}

export interface FaultInjector {
  inject(spec: FaultSpec): InjectedFault;
  clear(): void;
  /** Faults with calls left to fail, in injection order. */
  active(): InjectedFault[];
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** Switches for reliability tests: each injected fault fails the next matching calls. */
export class MockFaults implements FaultInjector {
  private faults: ActiveFault[] = [];

  inject(spec: FaultSpec): InjectedFault {
    const fault: ActiveFault = { spec: { ...spec }, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    return this.handle(fault);
  }

  clear(): void {
    this.faults = [];
  }

  active(): InjectedFault[] {
    return this.faults.map((fault) => this.handle(fault));
  }

  /** Runs one venue call under the faults: throws before it runs, or after it ran (`response_lost`). */
  async run<T>(context: FaultContext, call: () => T): Promise<T> {
    const decision = this.decide(context);
    decision.before();
    let result: T;
    try {
      result = call();
    } catch (error) {
      // A lost response hides the venue's refusal too: the caller only learns the outcome is unknown.
      decision.after();
      throw error;
    }
    decision.after();
    return result;
  }

  /** Takes the first fault matching the call (consuming one of its `times`). */
  decide(context: FaultContext): FaultDecision {
    const fault = this.faults.find(
      (candidate) => candidate.remaining > 0 && matches(candidate.spec, context),
    );
    if (!fault) return noFault;
    fault.remaining -= 1;
    this.prune();
    const error = () => errorFor(fault.spec, context);
    if (fault.spec.kind === 'response_lost')
      return {
        before() {},
        after: () => {
          throw error();
        },
      };
    return {
      before: () => {
        throw error();
      },
      after() {},
    };
  }

  private handle(fault: ActiveFault): InjectedFault {
    return {
      spec: fault.spec,
      remaining: () => fault.remaining,
      cancel: () => {
        fault.remaining = 0;
        this.prune();
      },
    };
  }

  private prune(): void {
    this.faults = this.faults.filter((fault) => fault.remaining > 0);
  }
}

const noFault: FaultDecision = { before() {}, after() {} };

function matches(spec: FaultSpec, context: FaultContext): boolean {
  const operations =
    spec.operation === undefined
      ? spec.kind === 'reject' || spec.kind === 'response_lost'
        ? [...placements, ...(spec.kind === 'response_lost' ? (['cancelExit'] as const) : [])]
        : undefined
      : typeof spec.operation === 'string'
        ? [spec.operation]
        : spec.operation;
  if (operations && !operations.includes(context.operation)) return false;
  if (spec.account !== undefined && spec.account !== context.account) return false;
  if (spec.symbol !== undefined && spec.symbol !== context.symbol) return false;
  return true;
}

function errorFor(spec: FaultSpec, context: FaultContext): TrdError {
  const what = `${context.operation}${context.symbol ? ` ${context.symbol}` : ''}`;
  const isPlacement = placements.includes(context.operation);
  switch (spec.kind) {
    case 'network':
      return new ExchangeUnavailableError(
        spec.message ?? `mock venue unreachable (injected network error) during ${what}`,
      );
    case 'rate_limit':
      return new RateLimitedError(
        spec.message ?? `mock venue rate limit hit during ${what}`,
        spec.retryAfterMs ?? 1000,
      );
    case 'reject':
      return new OrderRejectedError(
        spec.message ?? `mock venue rejected ${what} (injected)`,
        spec.venueCode ?? -2010,
      );
    case 'timeout':
    case 'response_lost': {
      const message =
        spec.message ??
        `mock venue ${spec.kind === 'timeout' ? 'timed out' : 'lost the response'} during ${what}`;
      return isPlacement && context.clientOrderId !== undefined
        ? new OrderStatusUnknownError(message, context.clientOrderId)
        : new ExchangeUnavailableError(message);
    }
  }
}
