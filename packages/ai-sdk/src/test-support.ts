import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AiSdkModel } from './ai-sdk-analyzer-options';
import {
  type FakeOpenAiServer,
  type FakeOpenAiServerOptions,
  startFakeOpenAiServer,
} from './testing/fake-openai-server';
import { openAiChatCompletion } from './testing/openai-responses';

export const TEST_API_KEY = 'sk-trd-test-fake-key-for-the-local-fake-only-0123';

/** A fake OpenAI-compatible server accepting `TEST_API_KEY` (request times from `now` when given). */
export function startFake(options: Omit<FakeOpenAiServerOptions, 'apiKey'> = {}): Promise<FakeOpenAiServer> {
  return startFakeOpenAiServer({ apiKey: TEST_API_KEY, ...options });
}

/**
 * The real `@ai-sdk/openai-compatible` provider pointed at the fake, as one would point it at
 * Ollama, vLLM or LM Studio; structured outputs on, so the request carries the JSON schema.
 */
export function fakeModel(
  fake: FakeOpenAiServer,
  modelId = 'gpt-4o-mini',
  apiKey = TEST_API_KEY,
): AiSdkModel {
  return createOpenAICompatible({
    name: 'fakeai',
    baseURL: fake.baseUrl,
    apiKey,
    supportsStructuredOutputs: true,
  }).chatModel(modelId);
}

/** A valid buy at `price` with the reference exits, as the model would write it. */
export function buyAnswer(price: number, fields: Record<string, unknown> = {}) {
  return {
    signal: 'buy',
    confidence: 78,
    entry_price: price,
    stop_loss: Number((price * 0.995).toFixed(2)),
    take_profit: Number((price * 1.003).toFixed(2)),
    reasoning: 'RSI recovering from oversold.',
    ...fields,
  };
}

/** A 200 reply with `content` as the assistant message. */
export function answerReply(
  content: string | object,
  options: Parameters<typeof openAiChatCompletion>[1] = {},
) {
  return { status: 200, body: openAiChatCompletion(content, options) };
}
