import { describe, expect, it } from 'vitest';
import { answerCacheKey, stableStringify } from './answer-cache';

const parts = {
  model: 'gemini-2.5-flash',
  system: 'You are a scalping assistant.',
  user: 'BTCUSDT at 63000',
  schema: { type: 'object', properties: { signal: { type: 'string' } } },
  generation: { temperature: 0.2, thinkingBudget: 0, maxOutputTokens: 1024 },
};

describe('answerCacheKey', () => {
  it('is a sha256 hex digest, equal for equal inputs whatever the key order', () => {
    const key = answerCacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered = {
      generation: { maxOutputTokens: 1024, thinkingBudget: 0, temperature: 0.2 },
      schema: { properties: { signal: { type: 'string' } }, type: 'object' },
      user: parts.user,
      system: parts.system,
      model: parts.model,
    };
    expect(answerCacheKey(reordered)).toBe(key);
  });

  it.each([
    ['model', { model: 'gemini-2.5-pro' }],
    ['system prompt', { system: 'Be bold.' }],
    ['user prompt', { user: 'BTCUSDT at 63001' }],
    ['schema', { schema: { type: 'object' } }],
    ['generation settings', { generation: { ...parts.generation, thinkingBudget: 512 } }],
  ])('changes with the %s', (_name, change) => {
    expect(answerCacheKey({ ...parts, ...change })).not.toBe(answerCacheKey(parts));
  });
});

describe('stableStringify', () => {
  it('sorts keys at every depth, keeps array order, drops undefined', () => {
    expect(stableStringify({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
  });
});
