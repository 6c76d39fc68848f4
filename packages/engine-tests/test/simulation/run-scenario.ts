import { checkInvariants, checkSettled } from './invariants';
import type { Scenario } from './scenario';
import { quietMinutes, SimulatedWorld } from './simulated-world';

/** Steps of a generated scenario (minutes of faults, crashes and answers before the calm). */
export const SCENARIO_STEPS = 40;

/**
 * Runs a scenario to the end: the invariants after every step, then a calm long enough for every
 * position to time out, after which everything must be settled. Throws on the first broken rule.
 */
export async function runScenario(scenario: Scenario): Promise<SimulatedWorld> {
  const world = new SimulatedWorld(scenario);
  await world.start();
  await checkInvariants(world);
  const calm = quietMinutes(scenario);
  for (let step = 1; step < SCENARIO_STEPS + calm; step++) {
    if (step === SCENARIO_STEPS) world.beQuiet();
    await world.step(step);
    await checkInvariants(world);
  }
  await checkSettled(world);
  return world;
}
