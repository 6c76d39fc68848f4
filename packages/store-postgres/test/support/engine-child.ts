import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./engine-process.ts', import.meta.url));
const packageDirectory = fileURLToPath(new URL('../../', import.meta.url));

export interface EngineLine {
  type: string;
  [key: string]: unknown;
}

export interface EngineChild {
  readonly process: ChildProcess;
  readonly lines: EngineLine[];
  /** stderr, for failure messages. */
  stderr(): string;
  /** Resolves with the first line of `type` printed from now on or already printed after `from`. */
  waitFor(type: string, from?: number, timeoutMs?: number): Promise<EngineLine>;
  send(command: unknown): void;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/**
 * Starts test/support/engine-process.ts as a plain `node` process (tsx as an import hook, not its
 * CLI wrapper) so that SIGKILL hits the engine itself, as a crash would.
 */
export function startEngineChild(env: Record<string, string>): EngineChild {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    cwd: packageDirectory,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: EngineLine[] = [];
  const waiters: { type: string; from: number; resolve: (line: EngineLine) => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let line: EngineLine;
      try {
        line = JSON.parse(text) as EngineLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.type === line.type && lines.length - 1 >= waiter.from) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    lines,
    stderr: () => stderr,
    waitFor(type, from = 0, timeoutMs = 120_000) {
      const found = lines.slice(from).find((line) => line.type === type);
      if (found) return Promise.resolve(found);
      return new Promise<EngineLine>((resolve, reject) => {
        // A stuck engine fails the test with what it printed, rather than at the test timeout.
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no "${type}" from the engine within ${timeoutMs} ms; last lines ${JSON.stringify(lines.slice(-5))}; stderr ${stderr.slice(-2000)}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          type,
          from,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`engine exited (${code ?? signal}) before "${type}": ${stderr.slice(-2000)}`));
        });
      });
    },
    send(command) {
      child.stdin?.write(`${JSON.stringify(command)}\n`);
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
