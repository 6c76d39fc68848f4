import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@trd/core';

/**
 * One server per data directory: `<dataDir>/server.pid` holds the pid of the server using it.
 * The paper venue's state, the paper clock and the embedded PostgreSQL may each have one writer.
 *
 * A pid file whose process is gone is left by a server that was killed (SIGKILL, out of memory,
 * power). Its embedded PostgreSQL may still be running, orphaned, on the data directory: when it
 * is the one a server of ours started (its pid is in `<dataDir>/postgres-owner.json`, see
 * `recordPostgresOwner`) it is stopped (a fast shutdown) so this server can start its own; any
 * other PostgreSQL there is not ours to stop, and start-up ends with a clear error.
 */
export async function lockDataDir(
  dataDir: string,
  options: { embeddedPostgresDir?: string; log?: (message: string) => void } = {},
): Promise<{ release(): void }> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'server.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const descriptor = openSync(file, 'wx', 0o644);
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        throw new ConfigError(`cannot take ${file}: ${(error as Error).message}`, { cause: error });
      }
      const holder = readPid(file);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new ConfigError(
          `another TRD server (pid ${holder}) is using DATA_DIR ${dataDir}; stop it or choose another DATA_DIR`,
        );
      }
      options.log?.(`removing ${file} left by a server that is no longer running (pid ${holder ?? '?'})`);
      rmSync(file, { force: true });
    }
  }
  if (options.embeddedPostgresDir) {
    await stopOrphanedPostgres(
      options.embeddedPostgresDir,
      join(dataDir, POSTGRES_OWNER_FILE),
      options.log,
    ).catch((error: unknown) => {
      rmSync(file, { force: true });
      throw error;
    });
  }
  return {
    release() {
      if (readPid(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Which embedded PostgreSQL a server of ours started, in `DATA_DIR`. */
export const POSTGRES_OWNER_FILE = 'postgres-owner.json';

/**
 * Records the embedded PostgreSQL this server just started on `postgresDir` as ours, so a
 * successor can recover it after a crash; returns the function that forgets it (on a clean stop).
 */
export function recordPostgresOwner(dataDir: string, postgresDir: string): () => void {
  const file = join(dataDir, POSTGRES_OWNER_FILE);
  const pid = readPid(join(postgresDir, 'postmaster.pid'));
  if (pid === undefined) return () => {};
  writeFileSync(file, `${JSON.stringify({ postmasterPid: pid, serverPid: process.pid })}\n`, { mode: 0o644 });
  return () => rmSync(file, { force: true });
}

/** Stops a PostgreSQL still running on `postgresDir` after the server of ours that started it died. */
async function stopOrphanedPostgres(
  postgresDir: string,
  ownerFile: string,
  log?: (message: string) => void,
): Promise<void> {
  const pidFile = join(postgresDir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? readPid(pidFile) : undefined;
  if (pid === undefined || !isAlive(pid)) return;
  if (ownedPostmaster(ownerFile) !== pid) {
    throw new ConfigError(
      `a PostgreSQL (pid ${pid}) that this server did not start is running on ${postgresDir}; stop it or choose another DATA_DIR`,
    );
  }
  log?.(`stopping the embedded PostgreSQL (pid ${pid}) left running by a server that was killed`);
  // SIGINT: PostgreSQL's fast shutdown (roll back open transactions, checkpoint, exit).
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new ConfigError(
        `the embedded PostgreSQL (pid ${pid}) in ${postgresDir} left by a killed server did not stop; stop it by hand`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function ownedPostmaster(ownerFile: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(ownerFile, 'utf8')) as { postmasterPid?: unknown }).postmasterPid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
