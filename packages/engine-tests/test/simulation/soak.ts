/**
 * `pnpm soak [scenarios] [seed]`: the position lifecycle simulation for as many scenarios as you
 * give it (default 10 000), outside the test run. Prints progress, and on a failure the seed, the
 * path and the shrunk scenario to replay (SIM_SEED=… SIM_PATH=… pnpm vitest run test/simulation).
 */
import fc from 'fast-check';
import { runScenario, SCENARIO_STEPS } from './run-scenario';
import { scenarioArbitrary } from './scenario';

const total = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 2_147_483_647);
const chunk = 1_000;

async function main(): Promise<void> {
  const started = Date.now();
  for (let done = 0, round = 0; done < total; done += chunk, round++) {
    const numRuns = Math.min(chunk, total - done);
    const result = await fc.check(
      fc.asyncProperty(scenarioArbitrary(SCENARIO_STEPS), async (scenario) => {
        await runScenario(scenario);
      }),
      { numRuns, seed: seed + round },
    );
    if (result.failed) {
      console.error(fc.defaultReportMessage(result));
      console.error(
        `broken rule: ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}`,
      );
      console.error(
        `replay: SIM_SEED=${result.seed} SIM_PATH=${result.counterexamplePath} pnpm --filter @trd/core exec vitest run test/simulation`,
      );
      process.exit(1);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${done + numRuns} scenarios passed (seeds ${seed}…${seed + round}), ${seconds.toFixed(0)} s`,
    );
  }
}

await main();
