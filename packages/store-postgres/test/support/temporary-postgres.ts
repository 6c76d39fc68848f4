import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/embedded-postgres';

export interface TemporaryPostgres extends EmbeddedPostgres {
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
}

/**
 * A real PostgreSQL in a fresh temporary directory, for one test file. `fsync=off`: the data is
 * thrown away, and crash tests kill engine processes, never this server.
 */
export async function startTemporaryPostgres(): Promise<TemporaryPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'trd-store-test-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  await chmod(root, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: join(root, 'data'),
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  return {
    url: server.url,
    port: server.port,
    dataDir: server.dataDir,
    stop: () => server.stop(),
    async destroy() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
