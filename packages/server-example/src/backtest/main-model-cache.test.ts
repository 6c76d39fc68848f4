import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeOpenAiServer,
  openAiChatCompletion,
  type RecordedChatRequest,
  startFakeOpenAiServer,
} from '@trd/ai-sdk/testing';
import type { BacktestReport } from '@trd/backtest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..', '..');
const tsx = join(packageDir, '..', '..', 'node_modules', '.bin', 'tsx');
const KEY = 'sk-trd-backtest-key-never-printed-91c2';

/** `pnpm backtest`'s program as a real process, with only `env` set. */
function backtest(args: string[], env: Record<string, string>) {
  const child = spawn(tsx, ['--conditions=source', 'src/backtest/main.ts', ...args], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Plays the model: buys on an RSI below 45 at the price and exits core's prompt suggests. */
function traderAnswer(request: RecordedChatRequest): object {
  const price = Number(/Current price: ([\d.]+)/.exec(request.user)?.[1]);
  const rsi = Number(/RSI\(14\): ([\d.]+)/.exec(request.user)?.[1]);
  const exits = /buy → stop_loss ([\d.]+), take_profit ([\d.]+)/.exec(request.user);
  if (!exits || !(price > 0) || !(rsi < 45)) {
    return {
      signal: 'hold',
      confidence: 30,
      entry_price: null,
      stop_loss: null,
      take_profit: null,
      reasoning: 'wait',
    };
  }
  return {
    signal: 'buy',
    confidence: 80,
    entry_price: price,
    stop_loss: Number(exits[1]),
    take_profit: Number(exits[2]),
    reasoning: `RSI ${rsi}`,
  };
}

describe('pnpm backtest --analyzer openai with --cache: a reproducible model backtest', () => {
  const folder = mkdtempSync(join(tmpdir(), 'trd-model-backtest-'));
  const cache = join(folder, 'gpt-4o-mini.json');
  const args = ['--analyzer', 'openai', '--cache', cache, '--json', '--trading-hours', 'always'];
  args.push('--to', '2024-09-21T08:30:00Z');
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: KEY });
    fake.handle((request) => ({ status: 200, body: openAiChatCompletion(traderAnswer(request)) }));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('records every answer once with a key, then replays the same report without a key or a server', async () => {
    const recorded = await backtest(args, {
      OPENAI_API_KEY: KEY,
      AI_BASE_URL: fake.baseUrl,
      AI_MODEL: 'gpt-4o-mini',
      AI_REQUESTS_PER_MINUTE: '100000',
    });
    expect(recorded.stderr).toBe('');
    expect(recorded.code).toBe(0);
    const first = JSON.parse(recorded.stdout) as BacktestReport;
    expect(first.analyzer).toBe('ai-sdk:openai.chat:gpt-4o-mini');
    // Not vacuous: the model was asked on every bar, and traded on some.
    const calls = fake.requests.length;
    expect(calls).toBe(first.signals.buy + first.signals.sell + first.signals.hold);
    expect(first.signals.buy).toBeGreaterThan(0);
    expect(first.totalTrades).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')).answers ?? {}).length).toBeGreaterThan(0);

    // No key, and the base URL points nowhere: only the cache can answer (a miss would be an error).
    await fake.close();
    const replayed = await backtest(args, { AI_BASE_URL: 'http://127.0.0.1:9/v1', AI_MODEL: 'gpt-4o-mini' });
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual(first);
    expect(fake.requests).toHaveLength(calls);
    expect(`${recorded.stdout}${replayed.stdout}`).not.toContain(KEY);
  }, 120_000);
});
