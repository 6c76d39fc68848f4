import { describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../errors';
import { createAnalysisInput } from '../../testing/fixtures';
import { buildAnalysisPrompt } from '../analysis-prompt';
import { createMemoryAnswerCache } from './memory-answer-cache';
import { createModelAnalyzer, type ModelAnalyzerOptions } from './model-analyzer';
import { type ModelCallOptions, resolveModelCallOptions } from './model-call-options';
import type { ModelCallFailure } from './model-call-runner';

const input = createAnalysisInput();
const price = input.market.price;
const buy = JSON.stringify({
  signal: 'buy',
  confidence: 70,
  entry_price: price,
  stop_loss: price * 0.99,
  take_profit: price * 1.01,
  reasoning: 'up',
});

/** A transport that answers `text` and counts its requests. */
function analyzer(
  text: string,
  options: ModelCallOptions = {},
  extra: Partial<ModelAnalyzerOptions<string, ModelCallFailure>> = {},
) {
  const prompts: Array<{ system: string; user: string }> = [];
  const failure = (message: string): ModelCallFailure => ({
    httpStatus: undefined,
    message,
    retryable: false,
    retryAfterMs: undefined,
    authentication: false,
  });
  const model = createModelAnalyzer<string, ModelCallFailure>({
    name: 'fake:model-1',
    model: 'model-1',
    settings: resolveModelCallOptions({ random: () => 0, ...options }, 'test'),
    generation: { temperature: 0 },
    calls: {
      service: 'Fake',
      retryAfterName: 'retry-after',
      describeError: (error) => failure(String(error)),
      timeoutFailure: failure,
      unavailable: (message) => new ModelUnavailableError(message, { retryable: false }),
    },
    request: async (prompt) => {
      prompts.push(prompt);
      return text;
    },
    read: (response, details) => ({
      answer: { ok: true, text: response },
      usage: { model: 'model-1', latencyMs: details.latencyMs, ...(details.cached ? { cached: true } : {}) },
    }),
    replayMissError: (message) => new ModelUnavailableError(message, { retryable: false }),
    ...extra,
  });
  return { model, prompts };
}

describe('createModelAnalyzer: what every model adapter gets from core', () => {
  it('asks with core’s prompt, told the entry limit its answer is checked against', async () => {
    const { model, prompts } = analyzer(buy, { maxEntryDeviationPercent: 2 });
    const signal = await model.analyze(input);
    expect(signal.action).toBe('buy');
    expect(prompts).toEqual([buildAnalysisPrompt(input, { maxEntryDeviationPercent: 2 })]);
    expect(model).toMatchObject({
      specificationVersion: 'v1',
      name: 'fake:model-1',
      model: 'model-1',
      queued: 0,
    });
  });

  it('checks the answer with core’s rules: an entry beyond the limit is a hold', async () => {
    const far = JSON.stringify({
      ...JSON.parse(buy),
      entry_price: price * 1.03,
      stop_loss: price,
      take_profit: price * 1.05,
    });
    expect((await analyzer(far, { maxEntryDeviationPercent: 2 }).model.analyze(input)).action).toBe('hold');
  });

  it('records then replays through the cache, and holds on a replay miss', async () => {
    const store = createMemoryAnswerCache();
    const recording = analyzer(buy, { cache: { store, mode: 'record' } });
    await recording.model.analyze(input);
    const replaying = analyzer('never sent', { cache: { store, mode: 'replay' } });
    const replayed = await replaying.model.analyze(input);
    expect(replayed).toMatchObject({ action: 'buy', usage: { cached: true, latencyMs: 0 } });
    expect(replaying.prompts).toHaveLength(0);
    const miss = await analyzer('never sent', {
      cache: { store: createMemoryAnswerCache(), mode: 'replay' },
    }).model.analyze(input);
    expect(miss).toMatchObject({ action: 'hold', reasoning: expect.stringMatching(/no recorded answer/) });
  });

  it('a caller already aborted sends nothing', async () => {
    const { model, prompts } = analyzer(buy);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(model.analyze(input, { signal: controller.signal })).rejects.toThrow('gone');
    expect(prompts).toHaveLength(0);
  });
});
