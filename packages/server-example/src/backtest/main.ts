// `pnpm backtest -- [options]`: core's engine over recorded candles, then a report. See BACKTEST_USAGE.
import { readFileSync, writeFileSync } from 'node:fs';
import { formatBacktestReport, formatSweepResult, resolveBacktestPeriod, runSweep } from '@trd/backtest';
import {
  type Analyzer,
  type Candle,
  DEFAULT_ENGINE_SETTINGS,
  parseAnyCandleCsv,
  systemClock,
  TrdError,
} from '@trd/core';
import { type AnswerCacheOptions, createJsonFileAnswerCache } from '@trd/core/model-calls';
import { defaultMarketRules, loadReplayCandles } from '@trd/exchange-mock';
import { analyzerChoiceFromEnv, PROVIDER_KEY_VARIABLE } from '../config/analyzer-choice';
import { createAnalyzer } from '../runtime/create-analyzer';
import {
  BACKTEST_USAGE,
  BacktestArgumentError,
  type BacktestArguments,
  parseBacktestArguments,
} from './backtest-arguments';
import { downloadCandles } from './download-candles';
import { renderHtmlReport } from './html-report';
import { backtestOneUser } from './one-user-backtest';
import { createProgressBar } from './progress-bar';

/** Exit codes: 0 done, 1 the run failed or the engine reported errors, 2 a bad argument. */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: BacktestArguments;
  let candles: Candle[];
  let analyzer: Analyzer;
  try {
    args = parseBacktestArguments(argv, env);
    if (args.help) {
      process.stdout.write(BACKTEST_USAGE);
      return 0;
    }
    candles = args.download === null ? loadCandles(args.candles) : await download(args, args.download);
    try {
      resolveBacktestPeriod({ [args.symbol]: candles }, args);
    } catch (error) {
      throw new BacktestArgumentError(args.from !== null ? '--from' : '--to', message(error));
    }
    analyzer = await createBacktestAnalyzer(args, env);
  } catch (error) {
    if (error instanceof BacktestArgumentError) {
      process.stderr.write(`backtest: ${error.message}\nRun with --help for the options.\n`);
      return 2;
    }
    process.stderr.write(`backtest: ${message(error)}\n`);
    return 1;
  }

  if (args.sweep.length > 0) return sweep(args, candles);

  const report = await backtestOneUser({
    candles,
    symbol: args.symbol,
    startingBalance: args.balance,
    from: args.from,
    to: args.to,
    analyzer,
    tradingHours: args.tradingHours,
    minRewardToRiskAfterFees: args.minRewardToRisk,
  });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatBacktestReport(report));
  if (args.html !== null) {
    writeFileSync(args.html, renderHtmlReport(report, candles));
    process.stderr.write(`backtest: wrote ${args.html}\n`);
  }
  if (report.errors.length > 0) {
    process.stderr.write(
      `backtest: the engine reported ${report.errors.length} error(s), the run is incomplete; first: ${report.errors[0]!.message}\n`,
    );
    return 1;
  }
  return 0;
}

/** `--sweep`: the grid in worker threads with a progress bar on stderr, then the winner in and out of sample. */
async function sweep(args: BacktestArguments, candles: Candle[]): Promise<number> {
  const result = await runSweep({
    candles,
    symbol: args.symbol,
    startingBalance: args.balance,
    ranges: args.sweep,
    metric: args.metric,
    holdout: args.holdout,
    from: args.from,
    to: args.to,
    tradingHours: args.tradingHours,
    ...(args.threads === null ? {} : { threads: args.threads }),
    onProgress: createProgressBar((text) => process.stderr.write(text), 'sweep'),
  });
  const { quoteAsset } = defaultMarketRules(args.symbol);
  process.stdout.write(
    args.json ? `${JSON.stringify(result, null, 2)}\n` : formatSweepResult(result, quoteAsset),
  );
  const errors = result.inSample.reduce((total, run) => total + run.score.errors, result.best.holdout.errors);
  if (errors > 0) {
    process.stderr.write(`backtest: the engine reported ${errors} error(s) during the sweep\n`);
    return 1;
  }
  return 0;
}

function loadCandles(path: string | null): Candle[] {
  if (path === null) return loadReplayCandles('btcusdt-1m-2024-09-21');
  let candles: Candle[];
  try {
    // TRD's own CSV or Binance's kline files as published (ms or µs open times).
    candles = parseAnyCandleCsv(readFileSync(path, 'utf8'), path).candles;
  } catch (error) {
    throw new BacktestArgumentError('--candles', message(error));
  }
  if (candles.length === 0) throw new BacktestArgumentError('--candles', `${path} holds no candles`);
  for (let i = 1; i < candles.length; i++) {
    if (candles[i]!.openTime <= candles[i - 1]!.openTime) {
      throw new BacktestArgumentError(
        '--candles',
        `candles must be strictly ascending by open time: ${new Date(candles[i]!.openTime).toISOString()} follows ${new Date(candles[i - 1]!.openTime).toISOString()} in ${path}`,
      );
    }
  }
  return candles;
}

/**
 * `--download`: Binance's public klines through ccxt (no key), from a candle window before
 * `--from` (the engine's warm-up) to `--to`, cached in the folder given.
 */
async function download(args: BacktestArguments, cacheDir: string): Promise<Candle[]> {
  const { default: ccxt } = await import('ccxt');
  const source = new ccxt.binance({ options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] } } });
  const warmup = DEFAULT_ENGINE_SETTINGS.candleLimit * 60_000;
  const { candles, file, cached } = await downloadCandles({
    source,
    symbol: args.symbol,
    from: args.from! - warmup,
    to: args.to!,
    cacheDir,
  });
  process.stderr.write(
    `backtest: ${cached ? 'read the cached' : 'downloaded'} ${candles.length} candles, ${file}\n`,
  );
  return candles;
}

/** The analyzer `--analyzer` names, configured from the environment as the server's is. */
async function createBacktestAnalyzer(args: BacktestArguments, env: NodeJS.ProcessEnv): Promise<Analyzer> {
  const { choice } = analyzerChoiceFromEnv(env, { provider: args.analyzer, requireKey: false });
  let cache: AnswerCacheOptions | undefined;
  if (choice.provider !== 'technical' && args.cache !== null) {
    const store = createJsonFileAnswerCache(args.cache);
    try {
      await store.get('0'); // reads the file now: a file that is not a cache is a bad argument
    } catch (error) {
      throw new BacktestArgumentError('--cache', message(error));
    }
    // Without a key nothing can be recorded: a prompt missing from the cache is an error, not a hold.
    const replayOnly = choice.apiKey === undefined && PROVIDER_KEY_VARIABLE[choice.provider] !== undefined;
    cache = replayOnly ? { store, mode: 'replay', replayMiss: 'error' } : { store, mode: 'record-replay' };
  }
  // Model calls take real time: their timeouts, backoff and rate limit run on the system clock.
  return createAnalyzer(choice, systemClock, cache ? { cache } : {});
}

function message(error: unknown): string {
  return TrdError.isInstance(error) || error instanceof Error ? error.message : String(error);
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`backtest failed: ${message(error)}\n`);
    process.exitCode = 1;
  },
);
