import { defaultConformanceInputs, runAnalyzerConformance } from '@trd/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAiSdkAnalyzer } from './ai-sdk-analyzer';
import { fakeModel, startFake } from './test-support';
import type { FakeOpenAiServer, RecordedChatRequest } from './testing/fake-openai-server';
import { openAiChatCompletion } from './testing/openai-responses';

let fake: FakeOpenAiServer;
/** Verbatim answers by model name, for `withModelOutput`. */
const scriptedAnswers = new Map<string, string>();

beforeAll(async () => {
  // The scripted models answer verbatim; every other request gets the trader's answer.
  fake = await startFake({ models: (model) => model === 'gpt-4o-mini' || scriptedAnswers.has(model) });
  fake.handle((request) => {
    const scripted = scriptedAnswers.get(request.model);
    return { status: 200, body: openAiChatCompletion(scripted ?? traderAnswer(request)) };
  });
});
afterAll(async () => {
  await fake.close();
});

/**
 * Plays the model for real market inputs: reads the price, RSI and the suggested exits from core's
 * prompt and answers buy on a low RSI, sell on a high one, hold otherwise.
 */
function traderAnswer(request: RecordedChatRequest): object {
  const prompt = request.user;
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
  name: 'ai-sdk (@ai-sdk/openai-compatible against a local fake OpenAI server)',
  create: () => createAiSdkAnalyzer({ model: fakeModel(fake), requestsPerMinute: 1_000 }),
  withModelOutput: (text) => {
    const model = `scripted-${++scriptedModels}`;
    scriptedAnswers.set(model, text);
    return createAiSdkAnalyzer({ model: fakeModel(fake, model) });
  },
});

it('the fake model trades on some conformance inputs, so the geometry checks above are not vacuous', async () => {
  const analyzer = createAiSdkAnalyzer({ model: fakeModel(fake), requestsPerMinute: 1_000 });
  const actions = await Promise.all(
    defaultConformanceInputs().map(async (input) => (await analyzer.analyze(input)).action),
  );
  expect(actions.filter((action) => action !== 'hold').length).toBeGreaterThan(0);
});
