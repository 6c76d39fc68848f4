import { ConfigError } from '../errors';
import { type Candle, candleSchema, parseCandleCsv } from './candle';

/**
 * Open times from 1e14 up are microseconds: Binance's public data (data.binance.vision) writes
 * spot klines in µs from 2025-01-01 on, in ms before. 1e14 ms would be the year 5138, and 1e14
 * µs is 1973, so the two ranges cannot be confused for market data.
 */
const MICROSECONDS_FROM = 1e14;

/** A kline open time as Unix ms, whichever unit it is written in. `null` when it is not one. */
export function klineTimeToMs(raw: string): number | null {
  if (!/^\d{1,17}$/.test(raw.trim())) return null;
  const value = Number(raw);
  if (value < MICROSECONDS_FROM) return value;
  return value % 1000 === 0 ? value / 1000 : null;
}

/**
 * Parses a kline CSV as Binance publishes it on data.binance.vision: no header (a header row,
 * as in some futures files, is skipped), 12 columns — open time, open, high, low, close, volume
 * (base), close time, quote volume, trades, taker buy base, taker buy quote, ignore — with open
 * times in ms, or µs in spot files from 2025 on (detected per row, so joined files may mix).
 * Only the first six columns are kept. `source` prefixes error messages.
 * @throws ConfigError naming the first line that is not a kline.
 */
export function parseBinanceKlineCsv(text: string, source?: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const candles: Candle[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.split(',');
    if (index === 0 && /^[a-z_ ]+$/i.test(fields[0]!.trim())) return; // a header row
    const openTime = klineTimeToMs(fields[0] ?? '');
    const [open, high, low, close, volume] = fields.slice(1, 6).map(Number);
    const parsed = candleSchema.safeParse({ openTime, open, high, low, close, volume });
    if (fields.length !== 12 || openTime === null || !parsed.success) {
      throw new ConfigError(
        `${source ? `${source}: ` : ''}line ${index + 1} is not a Binance kline (12 columns, open time in ms or µs): ${line}`,
      );
    }
    candles.push(parsed.data);
  });
  return candles;
}

export type CandleCsvFormat = 'trd' | 'binance-klines';

/**
 * Which candle CSV `text` is: TRD's own (`open_time_ms,open,high,low,close,volume` with its
 * header, as the fixtures and `--candles` files are) or Binance's kline files.
 */
export function detectCandleCsvFormat(text: string): CandleCsvFormat {
  const first = text.slice(0, text.search(/\r?\n|$/)).trim();
  return first.startsWith('open_time_ms,') ? 'trd' : 'binance-klines';
}

/** Parses either candle CSV format (`detectCandleCsvFormat`). */
export function parseAnyCandleCsv(
  text: string,
  source?: string,
): { format: CandleCsvFormat; candles: Candle[] } {
  const format = detectCandleCsvFormat(text);
  const candles = format === 'trd' ? parseCandleCsv(text, source) : parseBinanceKlineCsv(text, source);
  return { format, candles };
}
