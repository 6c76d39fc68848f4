import { describe, expect, it } from 'vitest';
import { loadGeminiFixture } from './test-fixtures';
import { usageFromResponse } from './usage-from-response';

describe('usageFromResponse', () => {
  it('reports tokens from usageMetadata, thinking counted as output', () => {
    const usage = usageFromResponse(loadGeminiFixture('recorded-json-schema-answer'), {
      model: 'gemini-2.5-flash',
      latencyMs: 3642,
      rawAnswer: '{}',
      cached: false,
    });
    // promptTokenCount 5, candidatesTokenCount 177, thoughtsTokenCount 331, totalTokenCount 513.
    expect(usage).toEqual({
      model: 'gemini-2.5-flash',
      latencyMs: 3642,
      inputTokens: 5,
      outputTokens: 508,
      totalTokens: 513,
      rawAnswer: '{}',
    });
  });

  it('names the model version that answered, and marks replays', () => {
    const usage = usageFromResponse(
      { modelVersion: 'gemini-2.5-flash-preview-09-2025' },
      { model: 'gemini-2.5-flash', latencyMs: 0, rawAnswer: undefined, cached: true },
    );
    expect(usage).toEqual({ model: 'gemini-2.5-flash-preview-09-2025', latencyMs: 0, cached: true });
  });

  it('leaves out counts the response lacks or garbles', () => {
    const usage = usageFromResponse(
      { usageMetadata: { promptTokenCount: -1, totalTokenCount: 1.5, thoughtsTokenCount: 19 } },
      { model: 'm', latencyMs: 12, rawAnswer: undefined, cached: false },
    );
    expect(usage).toEqual({ model: 'm', latencyMs: 12, outputTokens: 19 });
  });

  it('prices the tokens when given prices: input, and output with thinking', () => {
    const pricing = { inputPerMillionTokens: 0.3, outputPerMillionTokens: 2.5 };
    const response = {
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 177, thoughtsTokenCount: 331 },
    };
    const live = usageFromResponse(response, {
      model: 'm',
      latencyMs: 1,
      rawAnswer: undefined,
      cached: false,
      pricing,
    });
    // 5 × 0.3 + 508 × 2.5 = 1271.5 micro-dollars.
    expect(live.costUsd).toBe(0.0012715);
    const replay = usageFromResponse(response, {
      model: 'm',
      latencyMs: 0,
      rawAnswer: undefined,
      cached: true,
      pricing,
    });
    expect(replay.costUsd).toBe(0);
    // Nothing to price without token counts.
    const empty = usageFromResponse(
      {},
      { model: 'm', latencyMs: 0, rawAnswer: undefined, cached: false, pricing },
    );
    expect(empty).not.toHaveProperty('costUsd');
  });
});
