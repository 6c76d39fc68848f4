import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock';
import { ConfigError } from '../../errors';
import type { AnswerCache, CacheMode } from './answer-cache';
import { cachedModelCall } from './cached-model-call';
import { createMemoryAnswerCache } from './memory-answer-cache';

function run(store: AnswerCache, mode: CacheMode, replayMiss: 'hold' | 'error' = 'hold') {
  let calls = 0;
  const promise = cachedModelCall({
    cache: { store, mode, replayMiss },
    key: () => 'key-1',
    model: 'm',
    clock: new VirtualClock(1_000),
    service: 'Model',
    secret: 'sk-secret',
    call: async () => {
      calls++;
      return { response: { text: 'answer' }, latencyMs: 42 };
    },
    replayMissError: (message) => new Error(message),
  });
  return { promise, calls: () => calls };
}

describe('cachedModelCall', () => {
  it('records in record-replay mode, then replays without calling', async () => {
    const store = createMemoryAnswerCache();
    const first = run(store, 'record-replay');
    expect(await first.promise).toEqual({ response: { text: 'answer' }, latencyMs: 42, cached: false });
    expect(await store.get('key-1')).toEqual({
      model: 'm',
      response: { text: 'answer' },
      recordedAt: 1_000,
      latencyMs: 42,
    });
    const second = run(store, 'record-replay');
    expect(await second.promise).toEqual({ response: { text: 'answer' }, latencyMs: 0, cached: true });
    expect(second.calls()).toBe(0);
  });

  it('always calls in record mode', async () => {
    const store = createMemoryAnswerCache();
    await run(store, 'record').promise;
    const again = run(store, 'record');
    expect((await again.promise) as { cached: boolean }).toMatchObject({ cached: false });
    expect(again.calls()).toBe(1);
  });

  it('a replay miss is a reason to hold, or the adapter’s error', async () => {
    const hold = run(createMemoryAnswerCache(), 'replay');
    expect(await hold.promise).toEqual({
      missed: 'no recorded answer for this prompt (replay mode, key key-1)',
    });
    expect(hold.calls()).toBe(0);
    await expect(run(createMemoryAnswerCache(), 'replay', 'error').promise).rejects.toThrow(
      /^Model not called: no recorded answer/,
    );
  });

  it('a failed write is a ConfigError without the secret', async () => {
    const broken: AnswerCache = {
      get: async () => undefined,
      set: async () => {
        throw new Error('disk full writing sk-secret');
      },
    };
    const failed = run(broken, 'record').promise;
    await expect(failed).rejects.toThrow(ConfigError);
    await expect(failed).rejects.toThrow('could not record the Model answer: disk full writing [redacted]');
  });
});
