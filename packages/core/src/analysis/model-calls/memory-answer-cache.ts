import type { AnswerCache, CachedAnswer } from './answer-cache';

/** An in-process cache: for tests and for one backtest run. Stores copies, so callers cannot change entries. */
export function createMemoryAnswerCache(): AnswerCache & { readonly size: number } {
  const entries = new Map<string, string>();
  return {
    get size() {
      return entries.size;
    },
    async get(key) {
      const stored = entries.get(key);
      return stored === undefined ? undefined : (JSON.parse(stored) as CachedAnswer);
    },
    async set(key, answer) {
      entries.set(key, JSON.stringify(answer));
    },
  };
}
