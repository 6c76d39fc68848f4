import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from './answer-cache';
import { createMemoryAnswerCache } from './memory-answer-cache';

const answer: CachedAnswer = {
  model: 'gemini-2.5-flash',
  response: { candidates: [{ content: { parts: [{ text: '{"signal":"hold"}' }] }, finishReason: 'STOP' }] },
  recordedAt: 1_700_000_000_000,
  latencyMs: 812,
};

describe('createMemoryAnswerCache', () => {
  it('returns what was stored, and undefined for unknown keys', async () => {
    const cache = createMemoryAnswerCache();
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', answer);
    expect(await cache.get('a')).toEqual(answer);
    expect(cache.size).toBe(1);
  });

  it('stores copies: changing an entry afterwards changes nothing', async () => {
    const cache = createMemoryAnswerCache();
    const mutable = structuredClone(answer);
    await cache.set('a', mutable);
    mutable.latencyMs = 1;
    const read = await cache.get('a');
    read!.model = 'other';
    expect(await cache.get('a')).toEqual(answer);
  });
});
