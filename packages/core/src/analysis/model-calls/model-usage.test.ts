import { describe, expect, it } from 'vitest';
import { modelUsage, tokenCount } from './model-usage';

const pricing = { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 };
const base = { model: 'gpt-4o-mini-2024-07-18', latencyMs: 900, rawAnswer: '{}', cached: false, pricing };

describe('modelUsage', () => {
  it('prices a live answer from the table, reasoning tokens included in output', () => {
    expect(modelUsage({ ...base, inputTokens: 1_000, outputTokens: 100, totalTokens: 1_100 })).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      latencyMs: 900,
      inputTokens: 1_000,
      outputTokens: 100,
      totalTokens: 1_100,
      costUsd: 0.00021,
      rawAnswer: '{}',
    });
  });

  it('a replay costs 0 and says it is cached', () => {
    expect(modelUsage({ ...base, inputTokens: 1_000, outputTokens: 100, cached: true })).toMatchObject({
      costUsd: 0,
      cached: true,
    });
  });

  it('no token counts, no cost: 0 would claim to know; bad counts and negative latency are dropped', () => {
    const usage = modelUsage({ ...base, inputTokens: -1, outputTokens: 1.5, latencyMs: -3 });
    expect(usage).toEqual({ model: base.model, latencyMs: 0, rawAnswer: '{}' });
    expect(modelUsage({ ...base, pricing: undefined, inputTokens: 5 })).not.toHaveProperty('costUsd');
  });

  it('tokenCount takes whole numbers >= 0 only', () => {
    expect([0, 7, -1, 1.5, '3', null].map(tokenCount)).toEqual([
      0,
      7,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
