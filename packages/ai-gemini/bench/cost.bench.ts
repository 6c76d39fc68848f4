/**
 * What the model costs with the real engine: `createTradingBot` from @trd/core, @trd/exchange-mock
 * (random-walk feeds), a memory store and the Gemini analyzer talking real HTTP to the local fake
 * of the Gemini API (nothing calls Google). One simulated trading hour (60 cycles of 60 s on a
 * virtual clock) for 100 / 1,000 / 10,000 active users on 1 and 50 symbols, in `shared` and
 * `personal` mode, with the engine's budget and the analyzer both at 60 requests a minute and the
 * fake enforcing a 60 requests-a-minute quota as Gemini does.
 *
 * Run: `pnpm --filter @trd/ai-gemini bench` (or `pnpm bench` at the root). Not part of `pnpm test`.
 *
 * - Pricing: the README's example, USD 0.30 input / 2.50 output per million tokens; cost is the
 *   sum of the analyzer's `usage.costUsd`.
 * - Tokens: the fake has no tokenizer; it estimates them from the system and user prompt and the
 *   answer (one per digit, as Gemini's tokenizer splits numbers, plus one per 4 other characters).
 *   Cost scales linearly with the real counts.
 * - Answers: always a hold (with a realistic one-sentence reason), so no position opens and every
 *   active user is due for analysis in every cycle: the bench measures the model, not trading.
 * - Personal mode: users get one of 4 configs (min confidence 60/65/70/75), so each symbol has at
 *   most 4 distinct inputs a cycle (identical inputs are analysed once).
 * - "Analysed": a user whose signal in the cycle came from a model answer (it has `usage`), not a
 *   hold because the budget refused the call or the call failed.
 * - Trading day: the engine's default trading hours, 8 hours (08:00–16:00 UTC).
 * - Analysis records are counted, not kept (an hour of 10,000 users is 600,000 records).
 */
import { performance } from 'node:perf_hooks';
import {
  type Analyzer,
  createMemoryStore,
  createTradingBot,
  defaultTradingConfig,
  type EngineSettings,
  VirtualClock,
} from '@trd/core';
import { createMockExchange } from '@trd/exchange-mock';
import { createGeminiAnalyzer } from '../src/gemini-analyzer';
import { settleOnVirtualTime } from '../src/test-support';
import { startFakeGeminiServer } from '../src/testing/fake-gemini-server';
import { geminiAnswerBody } from '../src/testing/gemini-responses';

type AnalysisMode = EngineSettings['analysisMode'];

const API_KEY = 'bench-key-for-the-local-fake-only';
/** The README's example prices, USD per million tokens. */
const PRICING = { inputPerMillionTokens: 0.3, outputPerMillionTokens: 2.5 };
const REQUESTS_PER_MINUTE = 60;
const CYCLES = 60;
const CYCLE_MS = 60_000;
const TRADING_HOURS_PER_DAY = 8;
const PERSONAL_CONFIGS = [60, 65, 70, 75];
/** 2025-06-02 09:00 UTC, a Monday inside the default trading hours. */
const START = Date.UTC(2025, 5, 2, 9, 0);

const answer = {
  signal: 'hold',
  confidence: 35,
  entry_price: null,
  stop_loss: null,
  take_profit: null,
  reasoning: 'RSI is neutral and MACD is flat inside the Bollinger bands; no clear setup, so hold.',
};

interface Row {
  symbols: number;
  users: number;
  mode: AnalysisMode;
  callsPerCycle: number;
  inputTokensPerCall: number;
  outputTokensPerCall: number;
  costPerHour: number;
  costPerUserDay: number;
  everyUserEveryCycle: boolean;
  minCoverage: number;
  quota429s: number;
  wallMs: number;
}

/**
 * Gemini's tokenizer splits numbers into single digits, and a market prompt is mostly numbers: one
 * token per digit, plus one per 4 other characters.
 */
function estimateTokens(text: string): number {
  const digits = text.replace(/[^0-9]/g, '').length;
  return digits + Math.ceil((text.length - digits) / 4);
}

async function run(symbols: number, users: number, mode: AnalysisMode): Promise<Row> {
  const clock = new VirtualClock(START);
  const fake = await startFakeGeminiServer({
    apiKey: API_KEY,
    now: () => clock.now(),
    quota: { requestsPerMinute: REQUESTS_PER_MINUTE, freeTier: false },
  });
  let inputTokens = 0;
  let outputTokens = 0;
  fake.handle((request) => {
    const system = request.body.systemInstruction?.parts?.map((part) => part.text ?? '').join('') ?? '';
    const user = request.body.contents?.map((content) => content.parts?.[0]?.text ?? '').join('') ?? '';
    const usage = {
      promptTokenCount: estimateTokens(system + user),
      candidatesTokenCount: estimateTokens(JSON.stringify(answer)),
    };
    inputTokens += usage.promptTokenCount;
    outputTokens += usage.candidatesTokenCount;
    return { status: 200, body: geminiAnswerBody(answer, { usage }) };
  });
  try {
    const names = Array.from({ length: symbols }, (_, index) => `S${index}USDT`);
    const exchange = createMockExchange({
      clock,
      feeds: Object.fromEntries(
        names.map((name, index) => [
          name,
          { kind: 'random-walk', seed: index + 1, startPrice: 100 + index, volatility: 0.0005 },
        ]),
      ),
    });
    const memory = createMemoryStore({ clock });
    let records = 0;
    const store = {
      ...memory,
      async recordAnalysis() {
        records++;
      },
      async recordAnalyses(batch: readonly unknown[]) {
        records += batch.length;
      },
    };
    for (let index = 0; index < users; index++) {
      await memory.saveConfig(
        defaultTradingConfig(`user-${index}`, {
          isActive: true,
          symbol: names[index % symbols]!,
          ...(mode === 'personal'
            ? { minConfidence: PERSONAL_CONFIGS[Math.floor(index / symbols) % PERSONAL_CONFIGS.length]! }
            : {}),
        }),
      );
    }
    const gemini = createGeminiAnalyzer({
      apiKey: API_KEY,
      baseUrl: fake.baseUrl,
      clock,
      pricing: PRICING,
      requestsPerMinute: REQUESTS_PER_MINUTE,
      concurrency: 8,
    });
    let cost = 0;
    let calls = 0;
    const analyzer: Analyzer = {
      specificationVersion: 'v1',
      name: gemini.name,
      async analyze(input, options) {
        const signal = await gemini.analyze(input, options);
        calls++;
        cost += signal.usage?.costUsd ?? 0;
        return signal;
      },
    };
    const bot = createTradingBot({
      marketData: exchange.marketData,
      accountFor: (userId) => exchange.account({ apiKey: userId, secret: 'bench' }),
      analyzer,
      store,
      clock,
      settings: {
        analysisMode: mode,
        modelBudget: { requestsPerMinute: REQUESTS_PER_MINUTE },
        analysisConcurrency: 64,
      },
    });
    let analysedThisCycle = 0;
    bot.on('analysis', (event) => {
      if (event.signal.usage) analysedThisCycle++;
    });
    let minCoverage = 1;
    const started = performance.now();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const cycleStart = START + cycle * CYCLE_MS;
      if (clock.now() < cycleStart) await clock.advance(cycleStart - clock.now());
      analysedThisCycle = 0;
      await settleOnVirtualTime(clock, bot.runCycle(), 250, () => gemini.running === 0);
      minCoverage = Math.min(minCoverage, analysedThisCycle / users);
    }
    const wallMs = performance.now() - started;
    if (records < users * CYCLES) throw new Error(`only ${records} analysis records for ${users} users`);
    const answered = fake.requests.length - fake.quotaRefusals.minute - fake.quotaRefusals.day;
    return {
      symbols,
      users,
      mode,
      callsPerCycle: calls / CYCLES,
      inputTokensPerCall: answered === 0 ? 0 : inputTokens / answered,
      outputTokensPerCall: answered === 0 ? 0 : outputTokens / answered,
      costPerHour: cost,
      costPerUserDay: (cost * TRADING_HOURS_PER_DAY) / users,
      everyUserEveryCycle: minCoverage === 1,
      minCoverage,
      quota429s: fake.quotaRefusals.minute + fake.quotaRefusals.day,
      wallMs,
    };
  } finally {
    await fake.close();
  }
}

const money = (value: number) =>
  value >= 1 ? `$${value.toFixed(2)}` : value === 0 ? '$0' : `$${value.toPrecision(2)}`;

const only = process.argv.slice(2);
const rows: Row[] = [];
for (const symbols of [1, 50]) {
  for (const users of [100, 1_000, 10_000]) {
    for (const mode of ['shared', 'personal'] as const) {
      if (only.length > 0 && !only.includes(`${symbols}x${users}:${mode}`)) continue;
      const row = await run(symbols, users, mode);
      rows.push(row);
      console.error(
        `${symbols} symbols, ${users} users, ${mode}: ${row.callsPerCycle} calls/cycle, ${(row.wallMs / 1000).toFixed(1)} s`,
      );
    }
  }
}

console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}; ${CYCLES} cycles of 60 s (one trading hour)`,
);
console.log(
  '| symbols | active users | mode | model calls / cycle | input tokens / call | output tokens / call | cost / hour | cost / user-day (8 h) | every user analysed every cycle (fewest analysed) | 429s from the fake |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.symbols} | ${row.users.toLocaleString('en-US')} | ${row.mode} | ${row.callsPerCycle.toFixed(1)} | ${row.inputTokensPerCall.toFixed(0)} | ${row.outputTokensPerCall.toFixed(0)} | ${money(row.costPerHour)} | ${money(row.costPerUserDay)} | ${row.everyUserEveryCycle ? 'yes' : 'no'} (${(row.minCoverage * 100).toFixed(0)}%) | ${row.quota429s} |`,
  );
}
