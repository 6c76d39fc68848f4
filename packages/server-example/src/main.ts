// `pnpm start`: runs the server (`server-process.ts`) as a child in a process group of its own,
// and stops it in order on Ctrl-C, SIGTERM, SIGHUP, or when whoever started us is gone.
//
// Why a child: a terminal's Ctrl-C signals the whole foreground process group, and the embedded
// PostgreSQL the server starts is in it; PostgreSQL would stop at once (57P01) under the cycle
// still running. In its own group, only this launcher gets the signal and the server stops the
// engine, then HTTP, then the database. Why the parent watch: `pnpm` does not forward SIGTERM to
// its script, it exits and leaves us orphaned; an orphaned launcher stops the server.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serverScript = fileURLToPath(
  new URL(`./server-process${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url),
);
const child = spawn(process.execPath, [...process.execArgv, serverScript, ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true,
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

const startedBy = process.ppid;
setInterval(() => {
  if (process.ppid !== startedBy) stop();
}, 500).unref();

child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (error) => {
  console.error(`TRD server not started: ${error.message}`);
  process.exit(1);
});
