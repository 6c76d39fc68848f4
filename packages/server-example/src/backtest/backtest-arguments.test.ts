import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BacktestArgumentError, parseBacktestArguments } from './backtest-arguments';

const folder = mkdtempSync(join(tmpdir(), 'trd-backtest-arguments-'));
const csv = join(folder, 'candles.csv');
writeFileSync(csv, 'open_time_ms,open,high,low,close,volume\n1726898400000,1,1,1,1,1\n');
const cache = join(folder, 'answers.json');
writeFileSync(cache, '{"version":1,"answers":{}}\n');

/** The error `argv` gives, as `{ argument, message }`. */
function refusal(argv: string[], env: Record<string, string> = {}) {
  try {
    parseBacktestArguments(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BacktestArgumentError);
    const { argument, message } = error as BacktestArgumentError;
    return { argument, message };
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseBacktestArguments', () => {
  it('defaults to the BTCUSDT fixture, 10000, the technical analyzer and the reference trading hours', () => {
    expect(parseBacktestArguments([])).toEqual({
      candles: null,
      symbol: 'BTCUSDT',
      from: null,
      to: null,
      balance: '10000',
      analyzer: 'technical',
      cache: null,
      tradingHours: { startHourUtc: 8, endHourUtc: 16 },
      minRewardToRisk: null,
      html: null,
      download: null,
      json: false,
      help: false,
      sweep: [],
      metric: 'netProfitLoss',
      holdout: 0.3,
      threads: null,
    });
  });

  it('reads every option, after an optional "--" separator', () => {
    const args = parseBacktestArguments(
      [
        '--',
        '--candles',
        csv,
        '--symbol',
        'ETHUSDT',
        '--from',
        '2022-08-15T08:00:00Z',
        '--to=2022-08-15T10:30:00.500+02:00',
        '--balance',
        '2500.50',
        '--analyzer',
        'gemini',
        '--gemini-cache',
        cache,
        '--trading-hours',
        'always',
        '--min-reward-to-risk',
        '1.50',
        '--html',
        'report.html',
        '--json',
      ],
      { GEMINI_API_KEY: 'key' },
    );
    expect(args).toEqual({
      candles: csv,
      symbol: 'ETHUSDT',
      from: Date.UTC(2022, 7, 15, 8),
      to: Date.UTC(2022, 7, 15, 8, 30, 0, 500),
      balance: '2500.5',
      analyzer: 'gemini',
      cache,
      tradingHours: null,
      minRewardToRisk: '1.5',
      html: join(process.cwd(), 'report.html'),
      download: null,
      json: true,
      help: false,
      sweep: [],
      metric: 'netProfitLoss',
      holdout: 0.3,
      threads: null,
    });
    expect(
      parseBacktestArguments([
        '--sweep',
        'takeProfitPercent=0.2:0.4:0.1',
        '--sweep',
        'minConfidence=60,70',
        '--metric',
        'winRate',
        '--holdout',
        '25%',
        '--threads',
        '3',
      ]),
    ).toMatchObject({
      sweep: [
        { parameter: 'takeProfitPercent', values: [0.2, 0.3, 0.4] },
        { parameter: 'minConfidence', values: [60, 70] },
      ],
      metric: 'winRate',
      holdout: 0.25,
      threads: 3,
    });
    expect(parseBacktestArguments(['--from', '2024-09-21', '--trading-hours', '22-6'])).toMatchObject({
      from: Date.UTC(2024, 8, 21),
      tradingHours: { startHourUtc: 22, endHourUtc: 6 },
    });
  });

  it('takes --download with the period to download and a cache folder', () => {
    const args = parseBacktestArguments(
      ['--download', 'cache', '--from', '2025-01-01', '--to', '2025-01-02'],
      {
        INIT_CWD: folder,
      },
    );
    expect(args).toMatchObject({
      download: join(folder, 'cache'),
      candles: null,
      from: Date.UTC(2025, 0, 1),
    });
    expect(
      parseBacktestArguments(['--download=', '--from', '2025-01-01', '--to', '2025-01-02'], {
        INIT_CWD: folder,
      }).download,
    ).toBe(join(folder, '.trd', 'candles'));
  });

  it('resolves relative paths from where pnpm was called (INIT_CWD)', () => {
    expect(parseBacktestArguments(['--candles', 'candles.csv'], { INIT_CWD: folder }).candles).toBe(csv);
  });

  it.each([
    [['--balance', 'lots'], '--balance', 'decimal number'],
    [['--download', '', '--from', '2025-01-01'], '--download', 'needs --from and --to'],
    [
      ['--download', 'cache', '--candles', csv, '--from', '2025-01-01', '--to', '2025-01-02'],
      '--download',
      'not both',
    ],
    [['--min-reward-to-risk', 'much'], '--min-reward-to-risk', 'decimal number'],
    [['--min-reward-to-risk=-1'], '--min-reward-to-risk', 'must not be negative'],
    [['--balance', '0'], '--balance', 'greater than 0'],
    [['--balance=-5'], '--balance', 'greater than 0'],
    [['--balance', '-5'], '--balance', 'ambiguous'],
    [['--balance', '1e4'], '--balance', 'decimal number'],
    [['--balance'], '--balance', 'argument missing'],
    [['--symbol', 'btc-usdt'], '--symbol', 'exchange symbol'],
    [['--from', 'yesterday'], '--from', 'ISO date'],
    [['--from', '2024-09-21T08:00'], '--from', 'with a zone'],
    [['--to', '2024-02-31'], '--to', 'not a real date'],
    [['--to', '2024-09-21T24:30:00Z'], '--to', 'not a real date'],
    [['--from', '2024-09-21T09:00:00Z', '--to', '2024-09-21T08:00:00Z'], '--to', 'before --from'],
    [['--analyzer', 'gpt'], '--analyzer', 'technical, gemini, openai, anthropic, openai-compatible'],
    [['--trading-hours', '8-8'], '--trading-hours', 'START-END'],
    [['--trading-hours', '25-3'], '--trading-hours', 'START-END'],
    [['--trading-hours', 'office'], '--trading-hours', 'START-END'],
    [['--speed', '10'], '--speed', 'Unknown option'],
    [['--json=yes'], '--json', 'does not take an argument'],
    [['candles.csv'], 'candles.csv', 'Unexpected argument'],
    [['--candles', join(folder, 'missing.csv')], '--candles', 'no such file'],
    [['--gemini-cache', cache], '--gemini-cache', 'only applies with --analyzer gemini'],
    [['--analyzer', 'gemini'], '--analyzer', 'GEMINI_API_KEY'],
    [['--analyzer', 'gemini', '--gemini-cache', join(folder, 'none.json')], '--gemini-cache', 'no such file'],
    [['--cache', cache], '--cache', 'only applies with a model analyzer'],
    [['--sweep', 'stopLossPercent=1:0.5:0.1'], '--sweep', 'below the start'],
    [['--sweep', 'riskPercent=1', '--metric', 'sharpe'], '--metric', 'must be one of netProfitLoss'],
    [['--sweep', 'riskPercent=1', '--holdout', '100%'], '--holdout', 'between 0 and 1'],
    [['--sweep', 'riskPercent=1', '--threads', '0'], '--threads', 'whole number'],
    [['--holdout', '30%'], '--holdout', 'only applies with --sweep'],
    [
      ['--sweep', 'riskPercent=1', '--analyzer', 'gemini', '--cache', cache],
      '--sweep',
      'technical analyzer only',
    ],
    [
      ['--analyzer', 'gemini', '--cache', cache, '--gemini-cache', cache],
      '--gemini-cache',
      'old name of --cache',
    ],
    [['--analyzer', 'openai'], '--analyzer', 'openai needs OPENAI_API_KEY, or a --cache'],
    [['--analyzer', 'openai', '--cache', join(folder, 'none.json')], '--cache', 'without OPENAI_API_KEY'],
    [
      ['--analyzer', 'anthropic', '--cache', cache],
      '--analyzer',
      'AI_MODEL: required with AI_PROVIDER=anthropic',
    ],
    [['--analyzer', 'openai-compatible'], '--analyzer', 'AI_BASE_URL: required'],
  ])('refuses %j naming %s', (argv, argument, message) => {
    const error = refusal(argv);
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(argument);
    expect(error.message).toContain(message);
  });

  it('lets Gemini run on a key alone, or replay a cache without one', () => {
    expect(parseBacktestArguments(['--analyzer', 'gemini'], { GEMINI_API_KEY: 'key' }).analyzer).toBe(
      'gemini',
    );
    expect(parseBacktestArguments(['--analyzer', 'gemini', '--gemini-cache', cache]).cache).toBe(cache);
  });

  it('takes any model of the server’s AI_PROVIDER list, configured from the same variables', () => {
    expect(parseBacktestArguments(['--analyzer', 'openai'], { OPENAI_API_KEY: 'sk' }).analyzer).toBe(
      'openai',
    );
    expect(parseBacktestArguments(['--analyzer', 'openai', '--cache', cache]).cache).toBe(cache);
    expect(
      parseBacktestArguments(['--analyzer', 'openai-compatible'], {
        AI_BASE_URL: 'http://localhost:11434/v1',
        AI_MODEL: 'llama3.1',
      }).analyzer,
    ).toBe('openai-compatible');
    expect(
      parseBacktestArguments(['--analyzer', 'anthropic'], { ANTHROPIC_API_KEY: 'k', AI_MODEL: 'claude-x' })
        .analyzer,
    ).toBe('anthropic');
  });
});
