import fc from 'fast-check';
import { describe, it } from 'vitest';
import { runScenario, SCENARIO_STEPS } from './run-scenario';
import { scenarioArbitrary } from './scenario';

/**
 * The deterministic simulation of the position lifecycle (core's README, "Guarantees"): generated
 * price paths with gaps and spikes, balances from 10 to 100 000 USDT, four symbols with different
 * steps and minimums, every kind of analyzer answer, venue faults and crash-restarts, with the
 * invariants checked after every step. A failure prints its seed and the shrunk scenario; replay
 * it with SIM_SEED=<seed> (and SIM_PATH=<path>). `pnpm soak` runs many more.
 */
const runs = Number(process.env.SIM_RUNS ?? 300);
const seed = process.env.SIM_SEED === undefined ? undefined : Number(process.env.SIM_SEED);

describe('position lifecycle simulation', () => {
  it(`keeps every position protected or closed, the ledger exact and the engine moving (${runs} scenarios)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(SCENARIO_STEPS), async (scenario) => {
        await runScenario(scenario);
      }),
      { numRuns: runs, seed, path: process.env.SIM_PATH, endOnFailure: false },
    );
  }, 600_000);
});
