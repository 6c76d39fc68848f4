import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Balances, ExitReport } from '@trd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReplayCandles } from '../src/index';

/** What `venue-process.ts` prints (one JSON line); the fields of both modes. */
interface ProcessAnswer {
  exit: ExitReport;
  balances: Balances;
  before: { exit: ExitReport | null; balances: Balances; orders: number };
  after: { exit: ExitReport; balances: Balances };
}

const packageDir = join(import.meta.dirname, '..');
const bar0 = loadReplayCandles('btcusdt-1m-2024-09-21')[0]!.openTime; // 06:00 UTC, close 62918
const minute = 60_000;

/** `test/fixtures/venue-process.ts` as a real Node process (tsx as a loader). */
function runVenueProcess(mode: 'open' | 'resume', stateFile: string, clockMs: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      'test/fixtures/venue-process.ts',
      mode,
      stateFile,
      String(clockMs),
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const firstLine = new Promise<ProcessAnswer>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then(() => reject(new Error(`the process ended without an answer:\n${output}`)));
  });
  return { child, exited, firstLine };
}

describe('a venue with a state file across processes', () => {
  const root = mkdtempSync(join(tmpdir(), 'trd-venue-restart-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('resumes after SIGKILL with the exit open and the coins locked, and fills it later at its price', async () => {
    const stateFile = join(root, 'venue.json');
    const first = runVenueProcess('open', stateFile, bar0 + 20_000);
    const opened = await first.firstLine;
    expect(opened.exit).toMatchObject({ state: 'open' });
    expect(opened.balances).toEqual({
      USDT: { free: '9937.082', locked: '0' },
      BTC: { free: '0.000009', locked: '0.00099' },
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readFileSync(stateFile, 'utf8')).not.toContain('restart-key');

    // 06:02: bars 06:01–06:02 stay between the legs; 06:06 reaches the take profit (62942).
    const second = runVenueProcess('resume', stateFile, bar0 + 2 * minute);
    const resumed = await second.firstLine;
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(resumed.before).toEqual({
      exit: { exitRef: opened.exit.exitRef, clientOrderId: 'restart-exit', symbol: 'BTCUSDT', state: 'open' },
      balances: opened.balances,
      orders: 3,
    });
    expect(resumed.after.exit).toMatchObject({
      state: 'filled',
      leg: 'take_profit',
      fill: {
        averagePrice: '62930',
        quoteQuantity: '62.3007',
        fees: [{ amount: '0.0623007', asset: 'USDT' }],
        updatedAt: bar0 + 6 * minute,
      },
    });
    expect(resumed.after.balances).toEqual({
      USDT: { free: '9999.3203993', locked: '0' },
      BTC: { free: '0.000009', locked: '0' },
    });
  }, 60_000);
});
