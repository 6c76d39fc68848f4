import { openAiChatCompletion, startFakeOpenAiServer } from '@trd/ai-sdk/testing';
import { systemClock } from '@trd/core';
import { createAnalysisInput } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { analyzerChoiceFromEnv } from '../config/analyzer-choice';
import { createAnalyzer } from './create-analyzer';

const input = createAnalysisInput();
const price = input.market.price;
const answer = {
  signal: 'buy',
  confidence: 75,
  entry_price: price,
  stop_loss: Number((price * 0.995).toFixed(2)),
  take_profit: Number((price * 1.003).toFixed(2)),
  reasoning: 'fake',
};

function choose(env: Record<string, string>) {
  const { choice, problems } = analyzerChoiceFromEnv(env);
  expect(problems).toEqual([]);
  return choice;
}

describe('createAnalyzer from the environment', () => {
  it('technical without a model, Gemini on GEMINI_API_KEY alone, as before', async () => {
    expect((await createAnalyzer(choose({}), systemClock)).name).toBe('technical');
    expect((await createAnalyzer(choose({ GEMINI_API_KEY: 'g' }), systemClock)).name).toBe(
      'gemini:gemini-2.5-flash',
    );
  });

  it.each([
    ['openai', { AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test' }, 'ai-sdk:openai.chat:gpt-4o-mini'],
    [
      'anthropic',
      { AI_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'k', AI_MODEL: 'claude-x' },
      'ai-sdk:anthropic.messages:claude-x',
    ],
  ])('%s through @trd/ai-sdk', async (_name, env, name) => {
    expect((await createAnalyzer(choose(env), systemClock)).name).toBe(name);
  });

  it.each([
    ['openai-compatible (Ollama, vLLM, …)', 'openai-compatible', {}],
    ['openai with AI_BASE_URL', 'openai', { OPENAI_API_KEY: 'sk-test' }],
  ])('%s answers from a local OpenAI-compatible server', async (_name, provider, keys) => {
    const fake = await startFakeOpenAiServer({ apiKey: 'sk-test', models: ['llama3.1'] });
    try {
      fake.reply({ status: 200, body: openAiChatCompletion(answer) });
      const analyzer = await createAnalyzer(
        choose({
          AI_PROVIDER: provider,
          AI_BASE_URL: fake.baseUrl,
          AI_MODEL: 'llama3.1',
          AI_API_KEY: 'sk-test',
          ...keys,
        }),
        systemClock,
      );
      const signal = await analyzer.analyze(input);
      expect(signal.action).toBe('buy');
      expect(fake.requests[0]?.model).toBe('llama3.1');
      expect(fake.requests[0]?.body.response_format?.type).toBe('json_schema');
    } finally {
      await fake.close();
    }
  });
});
