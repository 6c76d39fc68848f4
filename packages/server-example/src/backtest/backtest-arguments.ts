import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  parseHoldout,
  parseSweepRange,
  SWEEP_METRICS,
  type SweepMetric,
  type SweepRange,
} from '@trd/backtest';
import {
  ConfigError,
  dec,
  decimalStringSchema,
  parseTradingHours,
  symbolSchema,
  TRADING_HOURS_FORMAT,
  type TradingHours,
} from '@trd/core';
import { z } from 'zod';
import {
  AI_PROVIDERS,
  type AiProvider,
  analyzerChoiceFromEnv,
  PROVIDER_KEY_VARIABLE,
} from '../config/analyzer-choice';

/** What `pnpm backtest` was asked to do, checked. Times are Unix ms, the balance a decimal string. */
export interface BacktestArguments {
  /** CSV file of 1m candles; `null` replays the exchange-mock BTCUSDT fixture. */
  candles: string | null;
  symbol: string;
  /** First bar to step over (inclusive); `null` = after a warm-up of one candle window. */
  from: number | null;
  /** Last bar to step over (inclusive); `null` = the last candle. */
  to: number | null;
  /** Starting quote balance, e.g. `"10000"`. */
  balance: string;
  /** `technical`, or a model: its model, endpoint and key come from the environment (`AI_MODEL`, …). */
  analyzer: AiProvider;
  /** Record/replay JSON file of model answers (`--cache`, or its old name `--gemini-cache`). */
  cache: string | null;
  /** `null` trades around the clock. */
  tradingHours: TradingHours | null;
  /** The opt-in fee-aware risk rule's minimum reward-to-risk after fees; `null` leaves it off. */
  minRewardToRisk: string | null;
  /** `--download`: the cache folder Binance's klines are downloaded into (then read from); `null`: no download. */
  download: string | null;
  /** Also write the report as one self-contained HTML page to this path; `null`: no page. */
  html: string | null;
  json: boolean;
  help: boolean;
  /** `--sweep name=start:end:step`, repeatable: a parameter sweep instead of one backtest. */
  sweep: SweepRange[];
  /** What the sweep ranks by. */
  metric: SweepMetric;
  /** Share of the period held out to test the sweep's winner on. */
  holdout: number;
  /** Worker threads of the sweep; `null` = the machine's parallelism minus one. */
  threads: number | null;
}

/** A bad command-line argument; `argument` is its name as typed (`--balance`). Exit code 2. */
export class BacktestArgumentError extends ConfigError {
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.argument = argument;
  }
}

export const BACKTEST_USAGE = `Usage: pnpm backtest -- [options]

Replays 1m candles through the TRD engine (runCycle + monitorPositions each minute on a virtual clock)
with an in-memory store and the simulated exchange, then prints a report.

  --candles <file.csv>        open_time_ms,open,high,low,close,volume with that header, or a Binance kline CSV
                              as data.binance.vision publishes it (12 columns, no header, open time in ms or
                              µs) (default: exchange-mock's BTCUSDT fixture)
  --symbol <SYMBOL>           default BTCUSDT
  --from <ISO>                first bar, e.g. 2024-09-21T08:00:00Z (default: after a 100-bar warm-up)
  --to <ISO>                  last bar (default: the last candle)
  --balance <amount>          starting quote balance, default 10000
  --analyzer <name>           technical (default), gemini, openai, anthropic or openai-compatible; the model,
                              endpoint and key come from the environment as for the server: AI_MODEL,
                              AI_BASE_URL, GEMINI_API_KEY / OPENAI_API_KEY / ANTHROPIC_API_KEY / AI_API_KEY
                              (without a key, a complete --cache)
  --cache <file.json>         record/replay cache of the model's answers (--gemini-cache: the old name)
  --trading-hours always|S-E  UTC hours in which trades open, default 8-16 (the reference bot's)
  --min-reward-to-risk <R>    turn on the fee-aware risk rule: refuse entries whose take profit nets less than
                              R × what the stop loses, both after 0.1% fees a side (default off)
  --download <folder>         fetch Binance's public 1m klines of --symbol from --from (minus the warm-up) to --to
                              through ccxt, cached in <folder> (--download= : .trd/candles); needs network access
  --html <file.html>          also write the report as one self-contained page: metrics, price chart with
                              every entry and exit, equity, drawdown, trade table (no network needed)
  --json                      print the full report, trades included, as JSON
  --sweep <name=a:b:step>     sweep a setting (repeatable; also name=a,b,c): every combination runs in worker
                              threads on the in-sample part, the best is then tested on the held-out part.
                              Settings: takeProfitPercent, stopLossPercent, riskPercent, maxPositionPercent,
                              minConfidence, maxDailyTrades (technical analyzer only)
  --metric <name>             what the sweep ranks by: netProfitLoss (default), profitLossPercent, winRate,
                              maxDrawdown, maxDrawdownPercent
  --holdout <share>           the end of the period held out of the sweep, e.g. 30% (default) or 0.25
  --threads <n>               the sweep's worker threads (default: CPUs − 1)
  --help                      this text
`;

/** A date (UTC midnight) or a date-time with an explicit zone: never the machine's local time. */
const isoTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be an ISO date or date-time with a zone, e.g. 2024-09-21 or 2024-09-21T08:00:00Z',
  )
  .transform((value, context) => {
    const time = Date.parse(value);
    // Date.parse rolls 2024-02-31 over to March: the fields must survive the round trip.
    const [year, month, day, hour = 0, minute = 0, second = 0] = value.split(/\D/).map(Number);
    const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
    const real =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month! - 1 &&
      date.getUTCDate() === day &&
      date.getUTCHours() === hour &&
      date.getUTCMinutes() === minute &&
      date.getUTCSeconds() === second;
    if (Number.isNaN(time) || !real) {
      context.addIssue({ code: 'custom', message: `is not a real date: ${value}` });
      return z.NEVER;
    }
    return time;
  });

/** `8-16` (UTC hours, start inclusive, end exclusive) or `always`. */
const tradingHours = z.string().transform((value, context) => {
  const hours = parseTradingHours(value);
  if (hours === undefined) {
    context.addIssue({ code: 'custom', message: TRADING_HOURS_FORMAT });
    return z.NEVER;
  }
  return hours;
});

const argumentsSchema = z.object({
  candles: z.string().min(1, 'needs a file path').nullable().default(null),
  symbol: symbolSchema.default('BTCUSDT'),
  from: isoTime.nullable().default(null),
  to: isoTime.nullable().default(null),
  balance: decimalStringSchema
    .pipe(z.string().refine((value) => dec(value).gt(0), 'must be greater than 0'))
    .transform((value) => dec(value).toFixed())
    .default('10000'),
  analyzer: z
    .enum(AI_PROVIDERS, { message: `must be one of ${AI_PROVIDERS.join(', ')}` })
    .default('technical'),
  cache: z.string().min(1, 'needs a file path').nullable().default(null),
  'gemini-cache': z.string().min(1, 'needs a file path').nullable().default(null),
  'trading-hours': tradingHours.default({ startHourUtc: 8, endHourUtc: 16 }),
  'min-reward-to-risk': decimalStringSchema
    .pipe(z.string().refine((value) => dec(value).gte(0), 'must not be negative'))
    .transform((value) => dec(value).toFixed())
    .nullable()
    .default(null),
  html: z.string().min(1, 'needs a file path').nullable().default(null),
  download: z.string().nullable().default(null),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
  sweep: z
    .array(z.string())
    .default([])
    .transform((values, context) => {
      try {
        return values.map(parseSweepRange);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  metric: z
    .string()
    .refine((value) => Object.hasOwn(SWEEP_METRICS, value), {
      message: `must be one of ${Object.keys(SWEEP_METRICS).join(', ')}`,
    })
    .transform((value) => value as SweepMetric)
    .optional(),
  holdout: z
    .string()
    .transform((value, context) => {
      try {
        const share = parseHoldout(value);
        if (share > 0 && share < 1) return share;
        context.addIssue({ code: 'custom', message: 'must be a share between 0 and 1, e.g. 30%' });
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
      return z.NEVER;
    })
    .optional(),
  threads: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a whole number from 1 to 999')
    .transform(Number)
    .optional(),
});

const options = {
  candles: { type: 'string' },
  symbol: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  balance: { type: 'string' },
  analyzer: { type: 'string' },
  cache: { type: 'string' },
  'gemini-cache': { type: 'string' },
  'trading-hours': { type: 'string' },
  'min-reward-to-risk': { type: 'string' },
  html: { type: 'string' },
  download: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  sweep: { type: 'string', multiple: true },
  metric: { type: 'string' },
  holdout: { type: 'string' },
  threads: { type: 'string' },
} as const;

/**
 * Reads the command line (without `node` and the script) and the environment (the model's
 * variables, see `config/analyzer-choice.ts`; `INIT_CWD`, where relative paths start, else the
 * working directory).
 * @throws BacktestArgumentError naming the first bad argument.
 */
export function parseBacktestArguments(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): BacktestArguments {
  // `pnpm backtest -- --json` may pass the separator through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw tokenError(error, args);
  }

  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BacktestArgumentError(`--${String(issue.path[0] ?? 'arguments')}`, issue.message);
  }
  const value = parsed.data;
  // `pnpm backtest` runs in the package's folder: relative paths are the caller's (pnpm's INIT_CWD).
  const base = env.INIT_CWD || process.cwd();
  if (value.cache !== null && value['gemini-cache'] !== null) {
    throw new BacktestArgumentError('--gemini-cache', 'is the old name of --cache: give one of them');
  }
  const cacheArgument = value['gemini-cache'] !== null ? '--gemini-cache' : '--cache';
  const cache = value.cache ?? value['gemini-cache'];
  const result: BacktestArguments = {
    candles: value.candles === null ? null : resolve(base, value.candles),
    symbol: value.symbol,
    from: value.from,
    to: value.to,
    balance: value.balance,
    analyzer: value.analyzer,
    cache: cache === null ? null : resolve(base, cache),
    tradingHours: value['trading-hours'],
    minRewardToRisk: value['min-reward-to-risk'],
    html: value.html === null ? null : resolve(base, value.html),
    download: value.download === null ? null : resolve(base, value.download || '.trd/candles'),
    json: value.json,
    help: value.help,
    sweep: value.sweep,
    metric: value.metric ?? 'netProfitLoss',
    holdout: value.holdout ?? 0.3,
    threads: value.threads ?? null,
  };
  if (result.help) return result;

  if (result.download !== null) {
    if (result.candles !== null)
      throw new BacktestArgumentError('--download', 'give --candles or --download, not both');
    if (result.from === null || result.to === null) {
      throw new BacktestArgumentError('--download', 'needs --from and --to: the period to download');
    }
  }
  if (result.sweep.length === 0) {
    for (const name of ['metric', 'holdout', 'threads'] as const) {
      if (value[name] !== undefined)
        throw new BacktestArgumentError(`--${name}`, 'only applies with --sweep');
    }
  } else if (result.analyzer !== 'technical') {
    // Analyzers do not cross threads: each worker builds core's technical analyzer.
    throw new BacktestArgumentError('--sweep', 'runs the technical analyzer only');
  }
  if (result.from !== null && result.to !== null && result.from > result.to) {
    throw new BacktestArgumentError('--to', 'must not be before --from');
  }
  if (result.candles !== null && !existsSync(result.candles)) {
    throw new BacktestArgumentError('--candles', `no such file: ${result.candles}`);
  }
  if (cacheArgument === '--gemini-cache' && result.analyzer !== 'gemini') {
    throw new BacktestArgumentError('--gemini-cache', 'only applies with --analyzer gemini');
  }
  if (result.cache !== null && result.analyzer === 'technical') {
    throw new BacktestArgumentError(
      '--cache',
      'only applies with a model analyzer (--analyzer gemini, openai, …)',
    );
  }
  if (result.analyzer === 'technical') return result;
  const { choice, problems } = analyzerChoiceFromEnv(env, { provider: result.analyzer, requireKey: false });
  if (problems.length > 0) throw new BacktestArgumentError('--analyzer', problems.join('; '));
  const keyVariable = PROVIDER_KEY_VARIABLE[result.analyzer];
  if (choice.provider !== 'technical' && choice.apiKey === undefined && keyVariable) {
    if (result.cache === null) {
      throw new BacktestArgumentError(
        '--analyzer',
        `${result.analyzer} needs ${keyVariable}, or a ${cacheArgument} that already holds every answer`,
      );
    }
    if (!existsSync(result.cache)) {
      throw new BacktestArgumentError(
        cacheArgument,
        `no such file: ${result.cache} (without ${keyVariable} the cache is only replayed)`,
      );
    }
  }
  return result;
}

/** node:util's messages name the option; keep them, under the option's name. */
function tokenError(error: unknown, args: readonly string[]): BacktestArgumentError {
  const message = error instanceof Error ? error.message : String(error);
  const named = /'(--?[\w-]+)/.exec(message)?.[1];
  const argument = named ?? args.find((arg) => !arg.startsWith('--')) ?? 'arguments';
  return new BacktestArgumentError(argument, message.replace(/\. To specify .*$/s, ''));
}
