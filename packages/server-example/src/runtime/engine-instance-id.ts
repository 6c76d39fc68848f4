import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/**
 * The engine's claim owner name: the same on every start of the server on this host and data
 * directory (the data-dir lock lets only one live server use it). A restarted server — after a
 * SIGKILL too — resumes its users' claims at once instead of waiting for the dead process's
 * leases to expire, so its open positions are checked on the first monitor pass.
 */
export function engineInstanceId(dataDir: string): string {
  const place = createHash('sha256')
    .update(`${hostname()}\0${resolve(dataDir)}`)
    .digest('hex');
  return `server-${place.slice(0, 16)}`;
}
