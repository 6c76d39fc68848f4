import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '@trd/core';
import { z } from 'zod';

/** What `<DATA_DIR>/paper-clock.json` holds: where the simulated time stood, and where the replay is anchored. */
export interface PaperClockState {
  /** Simulated time at the save, Unix ms. */
  time: number;
  /** Open time of the first replayed bar, Unix ms: the market's prices depend on it, so it never changes. */
  replayStartAt: number;
}

const paperClockSchema = z.strictObject({
  format: z.literal('trd-paper-clock'),
  version: z.literal(1),
  time: z.number().int().nonnegative(),
  replayStartAt: z.number().int(),
});

/** The saved paper clock, `undefined` when there is none. @throws ConfigError when the file is unreadable or not a paper clock. */
export function readPaperClock(file: string): PaperClockState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file} cannot be read`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (corrupt?); delete the data directory to start afresh`, {
      cause: error,
    });
  }
  const parsed = paperClockSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      `${file} is not a paper clock of version 1 (${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')})`,
    );
  }
  return { time: parsed.data.time, replayStartAt: parsed.data.replayStartAt };
}

/** Replaces the saved paper clock atomically (temporary file, then rename). */
export function writePaperClock(file: string, state: PaperClockState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ format: 'trd-paper-clock', version: 1, ...state }), {
    flush: true,
  });
  renameSync(temporary, file);
}

/**
 * Saves the clock's time every `intervalMs` of wall time (and on `save()` / `stop()`), so a restart
 * resumes the simulated time where it stood: a crash loses at most one interval, which the
 * runtime makes up by also resuming from the newest time the venue and the store hold.
 */
export function startPaperClockSaver(options: {
  file: string;
  now: () => number;
  replayStartAt: number;
  intervalMs: number;
  onError?: (error: unknown) => void;
}): { save(): void; stop(): void } {
  const save = () =>
    writePaperClock(options.file, { time: options.now(), replayStartAt: options.replayStartAt });
  save();
  const timer = setInterval(() => {
    try {
      save();
    } catch (error) {
      options.onError?.(error);
    }
  }, options.intervalMs);
  timer.unref();
  let stopped = false;
  return {
    save,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      save();
    },
  };
}
