import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** `2026-11-25` for a Unix ms time, in UTC (the reference bot's daily files are UTC days). */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Appends log lines to `<dir>/<prefix>_YYYY-MM-DD.log`, switching file when the UTC day changes.
 * Writes are synchronous so the last lines before a crash or exit are on disk.
 */
export class DailyFileStream {
  private fd: number | undefined;
  private day: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** The file the next line goes to. */
  currentPath(): string {
    return join(this.dir, `${this.prefix}_${utcDay(this.now())}.log`);
  }

  write(line: string): boolean {
    const day = utcDay(this.now());
    if (day !== this.day || this.fd === undefined) {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = openSync(join(this.dir, `${this.prefix}_${day}.log`), 'a', 0o640);
      this.day = day;
    }
    writeSync(this.fd, line);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.day = undefined;
  }
}
