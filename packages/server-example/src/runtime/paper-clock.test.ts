import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@trd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readPaperClock, startPaperClockSaver, writePaperClock } from './paper-clock';

const root = mkdtempSync(join(tmpdir(), 'trd-paper-clock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the paper clock file', () => {
  it('round-trips the time and the replay anchor, atomically, and is absent before the first save', () => {
    const file = join(root, 'a', 'paper-clock.json');
    expect(readPaperClock(file)).toBeUndefined();
    writePaperClock(file, { time: 1_726_900_000_123, replayStartAt: 1_726_890_000_000 });
    expect(readPaperClock(file)).toEqual({ time: 1_726_900_000_123, replayStartAt: 1_726_890_000_000 });
    expect(readdirSync(join(root, 'a'))).toEqual(['paper-clock.json']);
  });

  it('refuses a corrupt file or another version with ConfigError', () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, '{"format":"trd-paper-clock","ti');
    expect(() => readPaperClock(file)).toThrow(ConfigError);
    writeFileSync(file, JSON.stringify({ format: 'trd-paper-clock', version: 2, time: 1, replayStartAt: 0 }));
    expect(() => readPaperClock(file)).toThrow(/not a paper clock of version 1/);
  });

  it('saves at once, on save(), and on stop()', () => {
    const file = join(root, 'saver.json');
    let now = 1_000;
    const saver = startPaperClockSaver({ file, now: () => now, replayStartAt: 0, intervalMs: 60_000 });
    expect(readPaperClock(file)?.time).toBe(1_000);
    now = 2_000;
    saver.save();
    expect(readPaperClock(file)?.time).toBe(2_000);
    now = 3_000;
    saver.stop();
    expect(readPaperClock(file)?.time).toBe(3_000);
  });
});
