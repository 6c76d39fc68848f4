import { defaultConformanceInputs, runAnalyzerConformance } from '@trd/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGeminiAnalyzer } from './gemini-analyzer';
import { startFake, TEST_API_KEY } from './test-support';
import type { FakeGeminiServer, RecordedGeminiRequest } from './testing/fake-gemini-server';
import { geminiAnswerBody } from './testing/gemini-responses';

let fake: FakeGeminiServer;
/** Verbatim answers by model name, for `withModelOutput`. */
const scriptedAnswers = new Map<string, string>();

beforeAll(async () => {
  fake = await startFake();
  fake.handle((request) => {
    const scripted = scriptedAnswers.get(request.model);
    return { status: 200, body: geminiAnswerBody(scripted ?? traderAnswer(request)) };
  });
});
afterAll(async () => {
  await fake.close();
});

/**
 * Plays the model for real market inputs: reads the price, RSI and the suggested exits from core's
 * prompt and answers buy on a low RSI, sell on a high one, hold otherwise.
 */
function traderAnswer(request: RecordedGeminiRequest): object {
  const prompt = request.body.contents?.[0]?.parts?.[0]?.text ?? '';
  const price = Number(/Current price: ([\d.]+)/.exec(prompt)?.[1]);
  const rsi = Number(/RSI\(14\): ([\d.]+)/.exec(prompt)?.[1]);
  const exits =
    /buy → stop_loss ([\d.]+), take_profit ([\d.]+); sell → stop_loss ([\d.]+), take_profit ([\d.]+)/.exec(
      prompt,
    );
  if (!exits || !(price > 0) || Number.isNaN(rsi) || (rsi >= 45 && rsi <= 55)) {
    return {
      signal: 'hold',
      confidence: 35,
      entry_price: null,
      stop_loss: null,
      take_profit: null,
      reasoning: 'No clear setup.',
    };
  }
  const buy = rsi < 45;
  return {
    signal: buy ? 'buy' : 'sell',
    confidence: 70,
    entry_price: price,
    stop_loss: Number(exits[buy ? 1 : 3]),
    take_profit: Number(exits[buy ? 2 : 4]),
    reasoning: `RSI ${rsi}.`,
  };
}

let scriptedModels = 0;

runAnalyzerConformance({
  name: 'gemini (local fake of the REST API)',
  // The default 10 requests a minute would make the suite wait for the window: the fake has no quota.
  create: () =>
    createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, requestsPerMinute: 1_000 }),
  withModelOutput: (text) => {
    const model = `scripted-${++scriptedModels}`;
    scriptedAnswers.set(model, text);
    return createGeminiAnalyzer({ apiKey: TEST_API_KEY, baseUrl: fake.baseUrl, model });
  },
});

it('the fake model trades on some conformance inputs, so the geometry checks above are not vacuous', async () => {
  const analyzer = createGeminiAnalyzer({
    apiKey: TEST_API_KEY,
    baseUrl: fake.baseUrl,
    requestsPerMinute: 1_000,
  });
  const actions = await Promise.all(
    defaultConformanceInputs().map(async (input) => (await analyzer.analyze(input)).action),
  );
  expect(actions.filter((action) => action !== 'hold').length).toBeGreaterThan(0);
});
