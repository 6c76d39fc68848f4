/**
 * An engine process for the process-level tests, started with
 * `node --conditions=source --import tsx test/support/engine-process.ts`.
 * It trades on the test's mock exchange over HTTP (see venue-server.ts) and keeps its state in
 * PostgreSQL, so it can be killed at any point and started again.
 *
 * Environment: TRD_DATABASE_URL, TRD_VENUE_URL, TRD_INSTANCE_ID, TRD_MODE (`steps` | `coordinated`),
 * TRD_STEPS and TRD_STEP_MS (steps mode).
 * - steps: reconcile, then per step move the venue's clock, check positions and run a cycle;
 *   the analyzer always buys at the market.
 * - coordinated: reconcile (which registers the engine as live), then for each stdin line
 *   `{"cycle":n,"at":ms}` run one cycle at that time; the analyzer always holds; prints the users
 *   it analysed.
 */
import { createInterface } from 'node:readline';
import { type Analyzer, createTradingBot, type Signal, VirtualClock } from '@trd/core';
import { createPostgresStore } from '../../src/postgres-store';
import { connectRemoteVenue } from './remote-venue';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const mode = required('TRD_MODE');
const venue = connectRemoteVenue(required('TRD_VENUE_URL'));
const clock = new VirtualClock(await venue.now());
const store = await createPostgresStore({ url: required('TRD_DATABASE_URL'), clock, poolSize: 4 });

const buyer: Analyzer = {
  specificationVersion: 'v1',
  name: 'always-buy',
  async analyze(input): Promise<Signal> {
    const price = input.market.price;
    return {
      action: 'buy',
      confidence: 80,
      entryPrice: price,
      stopLoss: price * 0.995,
      takeProfit: price * 1.003,
    };
  },
};
const holder: Analyzer = {
  specificationVersion: 'v1',
  name: 'always-hold',
  async analyze() {
    return { action: 'hold', confidence: 0, reasoning: 'coordinated test' };
  },
};

const bot = createTradingBot({
  marketData: venue.marketData,
  accountFor: (userId) => venue.account(userId),
  analyzer: mode === 'steps' ? buyer : holder,
  store,
  clock,
  instanceId: required('TRD_INSTANCE_ID'),
  settings: {
    // Per-user analysis, as the reference bot: the test is about crashes, not the policy.
    analysisMode: 'personal',
    tradingHours: null,
    userCooldownMs: 0,
    analysisConcurrency: 4,
    orderLookupGraceMs: 60_000,
    cycleMs: 60_000,
    monitorMs: 60_000,
  },
});
bot.on('trade:rejected', (event) =>
  print({ type: 'rejected', violations: event.violations.map((v) => v.code) }),
);
bot.on('error', (event) =>
  print({ type: 'error', stage: event.stage, userId: event.userId, message: event.error.message }),
);

if (mode === 'steps') {
  const steps = Number(required('TRD_STEPS'));
  const stepMs = Number(required('TRD_STEP_MS'));
  const reconciled = await bot.reconcile();
  print({ type: 'ready', reconciled });
  for (let step = 0; step < steps; step++) {
    await clock.advanceTo(await venue.advance(stepMs));
    await bot.monitorPositions();
    const report = await bot.runCycle();
    print({
      type: 'step',
      step,
      opened: report.opened,
      rejected: report.rejected,
      skipped: report.skipped,
      errors: report.errors,
      at: clock.now(),
    });
  }
  await bot.stop();
} else {
  const analysed: string[] = [];
  bot.on('analysis', (event) => analysed.push(event.userId));
  // As `start()` does: reconciling first also registers this engine as live (its fair share counts it).
  await bot.reconcile();
  print({ type: 'ready' });
  const commands = createInterface({ input: process.stdin });
  for await (const line of commands) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as { cycle: number; at: number } | { stop: true };
    if ('stop' in command) break;
    await clock.advanceTo(command.at);
    analysed.length = 0;
    const report = await bot.runCycle();
    print({ type: 'cycle', cycle: command.cycle, analysed: [...analysed], skipped: report.skipped });
  }
  // An open stdin would keep the process alive after its work is done.
  commands.close();
  process.stdin.destroy();
  await bot.stop();
}
await store.close();
print({ type: 'done' });
