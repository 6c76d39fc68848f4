import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTradingConfig, TrdError } from '@trd/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untraversableParent } from './embedded-postgres';
import { migrations } from './migrations';
import { createPostgresStore } from './postgres-store';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trd-embedded-test-'));
  await chmod(root, 0o755);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('embedded PostgreSQL by default', () => {
  it('starts a server in the data directory, keeps the data across restarts and stops on close', async () => {
    const dataDir = join(root, 'app', '.trd', 'postgres');
    const first = await createPostgresStore({ dataDir });
    expect(first.embedded?.dataDir).toBe(dataDir);
    const port = first.embedded?.port as number;
    expect(await accepts(port)).toBe(true);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    // The generated password is readable by this user only.
    expect((await stat(join(dataDir, 'trd-embedded.json'))).mode & 0o077).toBe(0);
    await first.saveConfig(defaultTradingConfig('kept-user', { isActive: true, maxDailyTrades: 4 }));
    await first.close();
    expect(await accepts(port)).toBe(false);
    await first.close();

    const second = await createPostgresStore({ dataDir });
    try {
      expect(await second.getConfig('kept-user')).toEqual(
        defaultTradingConfig('kept-user', { isActive: true, maxDailyTrades: 4 }),
      );
      expect(await second.query('select name from trd_migrations')).toHaveLength(migrations.length);
    } finally {
      await second.close();
    }
  });

  it('refuses, with a clear error, a second server on a data directory in use', async () => {
    const dataDir = join(root, 'busy');
    const owner = await createPostgresStore({ dataDir });
    try {
      const error = await createPostgresStore({ dataDir }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(TrdError.isInstance(error)).toBe(true);
      expect((error as TrdError).message).toMatch(/another server using this directory/);
      // The running server is unharmed.
      await owner.saveConfig(defaultTradingConfig('still-works'));
      expect(await owner.getConfig('still-works')).not.toBeNull();
    } finally {
      await owner.close();
    }
  });

  it.skipIf(process.getuid?.() !== 0)(
    'as root, says which parent directory the postgres user cannot traverse',
    async () => {
      // e.g. a mkdtemp directory (0700) holding the data directory two levels down.
      const locked = join(root, 'locked');
      await mkdir(join(locked, 'app'), { recursive: true });
      await chmod(locked, 0o700);
      const dataDir = join(locked, 'app', 'postgres');
      expect(await untraversableParent(dataDir, 'postgres')).toEqual({ directory: locked, mode: '0700' });
      const error = await createPostgresStore({ dataDir }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(TrdError.isInstance(error) && error.code).toBe('CONFIG');
      const message = (error as Error).message;
      expect(message).toContain(`${locked} has mode 0700`);
      expect(message).toContain('"postgres" system user');
      expect(message).not.toMatch(/another server/);
      // Once it can be traversed, the same directory starts.
      await chmod(locked, 0o711);
      expect(await untraversableParent(dataDir, 'postgres')).toBeNull();
      const store = await createPostgresStore({ dataDir });
      await store.close();
    },
    60_000,
  );
});
