import type { ExitLevelSource } from '@trd/core';
import fc from 'fast-check';
import { SIMULATED_MARKETS } from './markets';

/** One minute of a symbol's price path, in basis points of the previous close. */
export interface BarMove {
  /** How far the bar opens from the previous close (0 most of the time; a gap otherwise). */
  gapBps: number;
  /** Close against open. */
  driftBps: number;
  /** How far the high and the low reach beyond open and close (a spike when large). */
  wickBps: number;
}

/** What the analyzer answers on one call. Levels are offsets from the market price, in bps. */
export type Answer =
  | { kind: 'hold' }
  | {
      kind: 'buy' | 'sell';
      confidence: number;
      entryBps: number;
      stopBps: number;
      takeProfitBps: number;
    }
  | { kind: 'fail' };

export type VenueFaultKind = 'network' | 'timeout' | 'rate_limit' | 'reject' | 'response_lost';
export type VenueOperation =
  | 'balances'
  | 'placeMarketOrder'
  | 'findOrder'
  | 'placeExit'
  | 'findExit'
  | 'exitStatus'
  | 'cancelExit'
  | 'price';

/** A one-shot venue fault at a step: the mock's injector, or "the venue forgot the exit". */
export type Fault =
  | { step: number; user: number; kind: VenueFaultKind; operation: VenueOperation }
  | { step: number; user: number; kind: 'exit_not_found' };

export interface SimulatedUser {
  market: number;
  /** Starting USDT. */
  balance: string;
  riskPercent: number;
  maxPositionPercent: number;
  stopLossPercent: number;
  takeProfitPercent: number;
}

export interface Scenario {
  users: SimulatedUser[];
  exitLevelSource: ExitLevelSource;
  /** Minutes before a position times out. */
  timeoutMinutes: number;
  /** New orders stay invisible to lookups this long (ms), shorter than the engine's grace. */
  visibilityDelayMs: number;
  /** One path per market, one move per step. */
  moves: BarMove[][];
  /** Answers in turn, per user. */
  answers: Answer[][];
  faults: Fault[];
  /** At these steps the engine process dies after this many more store writes or venue sends. */
  crashes: { step: number; afterOperations: number }[];
}

const bps = (min: number, max: number) => fc.integer({ min, max });

const barMove: fc.Arbitrary<BarMove> = fc.record({
  gapBps: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: bps(-400, 400) }),
  driftBps: bps(-40, 40),
  wickBps: fc.oneof({ weight: 6, arbitrary: bps(0, 15) }, { weight: 1, arbitrary: bps(15, 200) }),
});

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'hold' } as const) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('buy' as const),
      confidence: fc.integer({ min: 40, max: 100 }),
      // Levels on and off the market, wide and narrow stops.
      entryBps: bps(-600, 600),
      stopBps: fc.oneof(bps(1, 30), bps(30, 400)),
      takeProfitBps: fc.oneof(bps(1, 30), bps(30, 400)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sell' as const),
      confidence: fc.integer({ min: 40, max: 100 }),
      entryBps: bps(-100, 100),
      stopBps: bps(1, 300),
      takeProfitBps: bps(1, 300),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'fail' } as const) },
);

const user: fc.Arbitrary<SimulatedUser> = fc.record({
  market: fc.integer({ min: 0, max: SIMULATED_MARKETS.length - 1 }),
  // 10 to 100 000 USDT, most of it where the minimums bite.
  balance: fc
    .oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 20_000 }) },
      { weight: 2, arbitrary: fc.integer({ min: 20_000, max: 10_000_000 }) },
    )
    .map((cents) => (cents / 100).toFixed(2)),
  riskPercent: fc.constantFrom(0.5, 1, 2, 5),
  maxPositionPercent: fc.constantFrom(5, 10, 25, 50),
  stopLossPercent: fc.constantFrom(0.2, 0.5, 1, 3),
  takeProfitPercent: fc.constantFrom(0.1, 0.3, 1, 3),
});

const venueFaultKind = fc.constantFrom<VenueFaultKind>(
  'network',
  'timeout',
  'rate_limit',
  'reject',
  'response_lost',
);
const venueOperation = fc.constantFrom<VenueOperation>(
  'balances',
  'placeMarketOrder',
  'findOrder',
  'placeExit',
  'findExit',
  'exitStatus',
  'cancelExit',
  'price',
);

/** Scenarios of `steps` minutes (faults and crashes land in them; a quiet end follows). */
export function scenarioArbitrary(steps: number): fc.Arbitrary<Scenario> {
  const step = fc.integer({ min: 0, max: steps - 1 });
  return fc
    .record({
      users: fc.array(user, { minLength: 1, maxLength: 3 }),
      exitLevelSource: fc.constantFrom<ExitLevelSource>('config', 'signal'),
      timeoutMinutes: fc.constantFrom(5, 10, 30),
      visibilityDelayMs: fc.constantFrom(0, 0, 20_000),
      moves: fc.array(fc.array(barMove, { minLength: steps, maxLength: steps }), {
        minLength: SIMULATED_MARKETS.length,
        maxLength: SIMULATED_MARKETS.length,
      }),
      answers: fc.array(fc.array(answer, { minLength: 1, maxLength: 12 }), { minLength: 3, maxLength: 3 }),
      faults: fc.array(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record({
              step,
              user: fc.integer({ min: 0, max: 2 }),
              kind: venueFaultKind,
              operation: venueOperation,
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              step,
              user: fc.integer({ min: 0, max: 2 }),
              kind: fc.constant('exit_not_found' as const),
            }),
          },
        ),
        { maxLength: 12 },
      ),
      crashes: fc.array(fc.record({ step, afterOperations: fc.integer({ min: 0, max: 12 }) }), {
        maxLength: 3,
      }),
    })
    .map((scenario) => ({
      ...scenario,
      faults: scenario.faults.filter((f) => f.user < scenario.users.length),
    }));
}
