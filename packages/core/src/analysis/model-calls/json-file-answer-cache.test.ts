import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import type { CachedAnswer } from './answer-cache';
import { createJsonFileAnswerCache } from './json-file-answer-cache';

function answer(text: string): CachedAnswer {
  return {
    model: 'gemini-2.5-flash',
    response: {
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 800, candidatesTokenCount: 60, totalTokenCount: 860 },
    },
    recordedAt: 1_726_900_000_000,
    latencyMs: 900,
  };
}

describe('createJsonFileAnswerCache', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trd-gemini-cache-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('starts empty when the file does not exist, and creates it (and its folder) on the first set', async () => {
    const path = join(directory, 'nested', 'answers.json');
    const cache = createJsonFileAnswerCache(path);
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('k1', answer('{"signal":"hold"}'));
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file).toEqual({ version: 1, answers: { k1: answer('{"signal":"hold"}') } });
  });

  it('survives a restart: a new instance reads what the last one wrote', async () => {
    const path = join(directory, 'answers.json');
    const first = createJsonFileAnswerCache(path);
    await first.set('b', answer('B'));
    await first.set('a', answer('A'));
    const second = createJsonFileAnswerCache(path);
    expect(await second.get('a')).toEqual(answer('A'));
    expect(await second.get('b')).toEqual(answer('B'));
    // Sorted keys keep diffs of a committed cache small.
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).answers)).toEqual(['a', 'b']);
  });

  it('keeps every entry when sets run concurrently', async () => {
    const path = join(directory, 'answers.json');
    const cache = createJsonFileAnswerCache(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => cache.set(`key-${index}`, answer(String(index)))),
    );
    const reread = createJsonFileAnswerCache(path);
    for (let index = 0; index < 20; index++)
      expect(await reread.get(`key-${index}`)).toEqual(answer(String(index)));
  });

  it('refuses a file that is not a cache, and leaves it untouched', async () => {
    const path = join(directory, 'answers.json');
    await writeFile(path, '{"something":"else"}');
    const cache = createJsonFileAnswerCache(path);
    await expect(cache.get('k')).rejects.toBeInstanceOf(ConfigError);
    await expect(cache.set('k', answer('x'))).rejects.toThrow(/not a TRD answer cache/);
    expect(await readFile(path, 'utf8')).toBe('{"something":"else"}');
  });

  it('refuses invalid JSON with a clear error', async () => {
    const path = join(directory, 'answers.json');
    await writeFile(path, '{"version":1,');
    await expect(createJsonFileAnswerCache(path).get('k')).rejects.toThrow(/is not valid JSON/);
  });

  it('reads the file again after a failed read, rather than failing for good', async () => {
    const path = join(directory, 'answers.json');
    // A directory where the file should be: the read fails (EISDIR), as a transient I/O error would.
    await mkdir(path);
    const cache = createJsonFileAnswerCache(path);
    await expect(cache.get('k')).rejects.toThrow(/cannot read the answer cache/);
    await rm(path, { recursive: true });
    await writeFile(path, JSON.stringify({ version: 1, answers: { k: answer('K') } }));
    expect(await cache.get('k')).toEqual(answer('K'));
    await cache.set('j', answer('J'));
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).answers)).toEqual(['j', 'k']);
  });
});
