import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors';
import type { AnswerCache, CachedAnswer } from './answer-cache';

interface CacheFile {
  version: 1;
  answers: Record<string, CachedAnswer>;
}

/**
 * A cache in one JSON file, to commit next to a backtest or a test so it re-runs without model
 * calls. The file is read once, on first use (a failed read is not kept: the next access reads
 * again); `set` rewrites it atomically (temporary file, then rename), one write at a time, sets
 * made during a write sharing the next one, with keys sorted so diffs stay small. A file that is not a cache is refused with a `ConfigError` and never
 * overwritten.
 */
export function createJsonFileAnswerCache(path: string): AnswerCache {
  let loading: Promise<Map<string, CachedAnswer>> | undefined;
  /** The write in progress, if any (its failure is its callers' to see). */
  let writing: Promise<void> = Promise.resolve();
  /** The next write, shared by every `set` made while another write runs. */
  let nextWrite: Promise<void> | undefined;

  const load = () => {
    if (loading === undefined) {
      const attempt = readCacheFile(path);
      loading = attempt;
      // A failed read is not remembered: the next access reads the file again, so a transient
      // failure (EMFILE, EIO, a file being replaced) does not disable the cache for good.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };

  return {
    async get(key) {
      const answers = await load();
      const answer = answers.get(key);
      return answer === undefined ? undefined : structuredClone(answer);
    },
    async set(key, answer) {
      const answers = await load();
      answers.set(key, structuredClone(answer));
      // Sets that arrive during a write share one follow-up write: a recording backtest rewrites
      // the file once per burst, not once per answer.
      nextWrite ??= writing
        .catch(() => undefined)
        .then(() => {
          nextWrite = undefined;
          writing = writeCacheFile(path, answers);
          return writing;
        });
      await nextWrite;
    },
  };
}

async function readCacheFile(path: string): Promise<Map<string, CachedAnswer>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new ConfigError(`cannot read the answer cache ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the answer cache ${path} is not valid JSON`, { cause: error });
  }
  const file = parsed as Partial<CacheFile> | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    file.version !== 1 ||
    typeof file.answers !== 'object' ||
    file.answers === null
  ) {
    throw new ConfigError(
      `the answer cache ${path} is not a TRD answer cache (expected { "version": 1, "answers": {...} })`,
    );
  }
  return new Map(Object.entries(file.answers));
}

async function writeCacheFile(path: string, answers: Map<string, CachedAnswer>): Promise<void> {
  const sorted = Object.fromEntries([...answers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const file: CacheFile = { version: 1, answers: sorted };
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
  await rename(temporary, path);
}
