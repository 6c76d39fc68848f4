import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@trd/core';

/**
 * One server per data directory: `<dataDir>/server.pid` holds the pid of the server using it.
 * The paper venue's state, the paper clock and the embedded PostgreSQL may each have one writer.
 *
 * A pid file whose process is gone is left by a server that was killed (SIGKILL, out of memory,
 * power). Its embedded PostgreSQL may still be running, orphaned, on the data directory: it is
 * stopped (a fast shutdown) so this server can start its own.
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
  if (options.embeddedPostgresDir) await stopOrphanedPostgres(options.embeddedPostgresDir, options.log);
  return {
    release() {
      if (readPid(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Stops a PostgreSQL still running on `postgresDir` after the server that started it died. */
async function stopOrphanedPostgres(postgresDir: string, log?: (message: string) => void): Promise<void> {
  const pidFile = join(postgresDir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? readPid(pidFile) : undefined;
  if (pid === undefined || !isAlive(pid)) return;
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
