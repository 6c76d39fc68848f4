import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Candle, ConfigError, candleSchema, parseCandleCsv } from '@trd/core';

const MINUTE = 60_000;
/** Binance returns at most 1,000 klines a request. */
const PAGE = 1000;

/** What the download needs of a ccxt exchange (`new ccxt.binance()`), so a test can pass a fake. */
export interface OhlcvSource {
  loadMarkets(): Promise<unknown>;
  /** ccxt resolves a venue id (`BTCUSDT`) to its unified symbol (`BTC/USDT`). */
  market(symbol: string): { symbol: string };
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<unknown[][]>;
}

export interface DownloadCandlesOptions {
  source: OhlcvSource;
  /** Venue id, e.g. `BTCUSDT`. */
  symbol: string;
  /** First and last bar, Unix ms, inclusive. */
  from: number;
  to: number;
  /** Folder of the cache: one CSV (TRD's format) per symbol and period, reused when present. */
  cacheDir: string;
}

/** The cache file of a download: the same symbol and period read the same file. */
export function candleCachePath(cacheDir: string, symbol: string, from: number, to: number): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return join(cacheDir, `${symbol}-1m-${stamp(from)}-${stamp(to)}.csv`);
}

/**
 * 1-minute candles of `symbol` from `from` to `to` through ccxt's `fetchOHLCV` (Binance's public
 * klines, no key), 1,000 a request, written to the cache as TRD's candle CSV; a second call with
 * the same arguments reads the cache and sends nothing. Only for a machine with network access:
 * the tests pass a fake `source`.
 */
export async function downloadCandles(
  options: DownloadCandlesOptions,
): Promise<{ candles: Candle[]; file: string; cached: boolean }> {
  const file = candleCachePath(options.cacheDir, options.symbol, options.from, options.to);
  if (existsSync(file))
    return { candles: parseCandleCsv(readFileSync(file, 'utf8'), file), file, cached: true };

  await options.source.loadMarkets();
  const unified = options.source.market(options.symbol).symbol;
  const candles: Candle[] = [];
  for (let since = options.from; since <= options.to; ) {
    const rows = await options.source.fetchOHLCV(unified, '1m', since, PAGE);
    const page = rows
      .map((row) => toCandle(row))
      .filter((c) => c.openTime >= since && c.openTime <= options.to);
    if (page.length === 0) break; // the venue has nothing more in the period
    candles.push(...page);
    since = page.at(-1)!.openTime + MINUTE;
  }
  if (candles.length === 0)
    throw new ConfigError(`the venue returned no ${options.symbol} candles in the period`);

  mkdirSync(options.cacheDir, { recursive: true });
  const lines = candles.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume].join(','));
  // Written whole, then renamed: a cut download never leaves a cache file that looks complete.
  writeFileSync(`${file}.partial`, `open_time_ms,open,high,low,close,volume\n${lines.join('\n')}\n`);
  renameSync(`${file}.partial`, file);
  return { candles, file, cached: false };
}

function toCandle(row: unknown[]): Candle {
  const [openTime, open, high, low, close, volume] = row;
  const parsed = candleSchema.safeParse({ openTime, open, high, low, close, volume });
  if (!parsed.success)
    throw new ConfigError(`the venue sent a kline that is not a candle: ${JSON.stringify(row)}`);
  return parsed.data;
}
