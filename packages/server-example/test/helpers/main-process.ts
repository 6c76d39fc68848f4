import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const packageDir = join(import.meta.dirname, '..', '..');

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `pnpm start`'s program as a real process, with nothing configured but where to put its files.
 * Node runs it with tsx as a loader (not tsx's CLI, which relays signals), so SIGTERM reaches it.
 * `command` runs something else (e.g. `pnpm start` itself); `detached` gives it its own process
 * group, so a test can signal the whole group as a terminal's Ctrl-C does.
 */
export function startMain(
  env: Record<string, string>,
  options: { command?: [string, ...string[]]; detached?: boolean } = {},
): RunningProcess {
  const [program, ...args] = options.command ?? [
    process.execPath,
    '--import',
    'tsx',
    '--conditions=source',
    'src/main.ts',
  ];
  const child = spawn(program, args, {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The dashboard's URL once the server says it listens. */
export function dashboardUrl(main: RunningProcess, timeoutMs = 60_000): Promise<string> {
  return waitFor(
    () => /dashboard at (http:\/\/127\.0\.0\.1:\d+)/.exec(main.output())?.[1],
    timeoutMs,
    main.output,
  );
}
