import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@trd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock';

const root = mkdtempSync(join(tmpdir(), 'trd-data-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid no process has any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('one server per data directory', () => {
  it('takes the directory, refuses a second live holder, and frees it on release', async () => {
    const dataDir = join(root, 'taken');
    const lock = await lockDataDir(dataDir);
    expect(readFileSync(join(dataDir, 'server.pid'), 'utf8')).toBe(`${process.pid}\n`);
    writeFileSync(join(dataDir, 'server.pid'), `${process.ppid}\n`); // another live process holds it
    await expect(lockDataDir(dataDir)).rejects.toThrow(ConfigError);
    await expect(lockDataDir(dataDir)).rejects.toThrow(/another TRD server \(pid \d+\) is using DATA_DIR/);
    writeFileSync(join(dataDir, 'server.pid'), `${process.pid}\n`);
    lock.release();
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);
  });

  it('takes over from a server that died, saying so', async () => {
    const dataDir = join(root, 'stale');
    (await lockDataDir(dataDir)).release();
    writeFileSync(join(dataDir, 'server.pid'), `${deadPid()}\n`);
    const messages: string[] = [];
    const lock = await lockDataDir(dataDir, {
      embeddedPostgresDir: join(dataDir, 'postgres'),
      log: (message) => messages.push(message),
    });
    expect(messages).toEqual([expect.stringMatching(/left by a server that is no longer running/)]);
    expect(readFileSync(join(dataDir, 'server.pid'), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });
});
