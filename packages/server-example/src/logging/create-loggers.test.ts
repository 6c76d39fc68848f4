import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ExchangeUnavailableError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TradingEngine } from '../server/server-deps';
import { createLoggers, redactUrl } from './create-loggers';
import { attachEngineLogging } from './engine-logging';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function captureStream() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('server loggers', () => {
  it('writes JSON to stdout and to daily files named like the reference bot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trd-logs-'));
    dirs.push(dir);
    let now = Date.UTC(2026, 0, 31, 23, 59, 0);
    const out = captureStream();
    const loggers = createLoggers({ logDir: dir, stdout: out.stream, now: () => now });
    loggers.logger.info({ cycle: 1 }, 'cycle finished');
    loggers.tradeLogger.info({ tradeId: 't1' }, 'trade opened');
    now = Date.UTC(2026, 1, 1, 0, 0, 30);
    loggers.logger.info({ cycle: 2 }, 'cycle finished');
    loggers.close();

    expect(readdirSync(dir).sort()).toEqual([
      'trades_2026-01-31.log',
      'trading_bot_2026-01-31.log',
      'trading_bot_2026-02-01.log',
    ]);
    const first = JSON.parse(readFileSync(join(dir, 'trading_bot_2026-01-31.log'), 'utf8'));
    expect(first).toMatchObject({
      level: 30,
      name: 'trading_bot',
      cycle: 1,
      msg: 'cycle finished',
      time: '2026-01-31T23:59:00.000Z',
    });
    expect(JSON.parse(readFileSync(join(dir, 'trades_2026-01-31.log'), 'utf8'))).toMatchObject({
      tradeId: 't1',
    });
    expect(out.text().trim().split('\n')).toHaveLength(3);
  });

  it('redacts secrets in log records, at any depth we log them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trd-logs-'));
    dirs.push(dir);
    const out = captureStream();
    const loggers = createLoggers({ logDir: dir, stdout: out.stream });
    loggers.logger.info(
      {
        password: 'hunter2-password',
        body: { apiKey: 'BINANCEKEY123', secret: 'BINANCESECRET456' },
        config: { nested: { token: 'eyJhbGciOi.jwt.token' } },
        req: { headers: { authorization: 'Bearer eyJsecret' } },
        jwtSecret: 'the-jwt-secret-value',
      },
      'something happened',
    );
    loggers.close();
    const written =
      out.text() +
      readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    for (const secret of [
      'hunter2-password',
      'BINANCEKEY123',
      'BINANCESECRET456',
      'eyJhbGciOi.jwt.token',
      'eyJsecret',
      'the-jwt-secret-value',
    ]) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('[REDACTED]');
  });

  it('removes a token from logged URLs', () => {
    expect(redactUrl('/ws?token=abc.def.ghi&x=1')).toBe('/ws?token=[REDACTED]&x=1');
    expect(redactUrl('/trading/trades?limit=5')).toBe('/trading/trades?limit=5');
  });

  it('writes metrics_YYYY-MM-DD.log (file only): cycle figures, analyses, trades and errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trd-logs-'));
    dirs.push(dir);
    const now = Date.UTC(2026, 2, 3, 10, 0, 0);
    const out = captureStream();
    const loggers = createLoggers({ logDir: dir, stdout: out.stream, now: () => now });
    const engine = new EventEmitter();
    const detach = attachEngineLogging(engine as unknown as TradingEngine, loggers);
    engine.emit('cycle:end', { cycle: 3, durationMs: 42, usersSeen: 2, analysed: 2, skipped: 0, at: now });
    engine.emit('analysis', {
      userId: 'u1',
      symbol: 'BTCUSDT',
      analyzer: 'technical',
      price: 63_000,
      at: now,
      signal: { action: 'hold', confidence: 40, reasoning: 'flat' },
    });
    engine.emit('error', {
      stage: 'entry',
      userId: 'u1',
      error: new ExchangeUnavailableError('down'),
      at: now,
    });
    detach();
    loggers.close();
    const lines = readFileSync(join(dir, 'metrics_2026-03-03.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.metric)).toEqual(['cycle', 'analysis', 'error']);
    expect(lines[0]).toMatchObject({ cycle: 3, durationMs: 42, usersSeen: 2 });
    expect(lines[2]).toMatchObject({ stage: 'entry', code: 'EXCHANGE_UNAVAILABLE' });
    expect(out.text()).not.toContain('"metric"');
  });
});
