import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import {
  detectCandleCsvFormat,
  klineTimeToMs,
  parseAnyCandleCsv,
  parseBinanceKlineCsv,
} from './binance-kline-csv';

// Lines in data.binance.vision's format: spot/monthly/klines/BTCUSDT/1m, the last minutes of 2024
// (open time in ms) and the first of 2025 (µs, as spot files are written from 2025 on).
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');
const MS_2024 = fixture('BTCUSDT-1m-2024-12-31.csv');
const US_2025 = fixture('BTCUSDT-1m-2025-01-01.csv');

describe('parseBinanceKlineCsv', () => {
  it('reads ms files and µs files to the same Unix ms, keeping open, high, low, close and base volume', () => {
    const before = parseBinanceKlineCsv(MS_2024);
    const after = parseBinanceKlineCsv(US_2025);
    expect(before.map((c) => c.openTime)).toEqual([
      Date.UTC(2024, 11, 31, 23, 55),
      Date.UTC(2024, 11, 31, 23, 56),
      Date.UTC(2024, 11, 31, 23, 57),
    ]);
    expect(after.map((c) => c.openTime)).toEqual([
      Date.UTC(2025, 0, 1, 0, 0),
      Date.UTC(2025, 0, 1, 0, 1),
      Date.UTC(2025, 0, 1, 0, 2),
    ]);
    expect(after[0]).toEqual({
      openTime: Date.UTC(2025, 0, 1),
      open: 93576,
      high: 93610.93,
      low: 93537.5,
      close: 93610.93,
      volume: 8.21827,
    });
    // Joined files (2024 then 2025) mix the units row by row and stay one ascending minute series.
    const joined = parseBinanceKlineCsv(`${MS_2024}${US_2025}`);
    expect(joined).toHaveLength(6);
    expect(joined[3]!.openTime - joined[2]!.openTime).toBe(180_000);
  });

  it('skips a header row and CRLF line ends', () => {
    const header =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
    const text = `${header}\r\n${MS_2024.split('\n').join('\r\n')}`;
    expect(parseBinanceKlineCsv(text)).toEqual(parseBinanceKlineCsv(MS_2024));
  });

  it('names the first line that is not a kline', () => {
    const lines = MS_2024.trim().split('\n');
    const short = [lines[0], lines[1]!.split(',').slice(0, 6).join(',')].join('\n');
    expect(() => parseBinanceKlineCsv(short, 'k.csv')).toThrow(ConfigError);
    expect(() => parseBinanceKlineCsv(short, 'k.csv')).toThrow(/^k\.csv: line 2 is not a Binance kline/);
    // A µs time that is not a whole ms is not an open time.
    expect(() => parseBinanceKlineCsv(lines[0]!.replace('1735689300000', '1735689300000123'))).toThrow(
      /line 1/,
    );
  });
});

describe('klineTimeToMs', () => {
  it('detects the unit by magnitude', () => {
    expect(klineTimeToMs('1735689600000')).toBe(1735689600000);
    expect(klineTimeToMs('1735689600000000')).toBe(1735689600000);
    expect(klineTimeToMs('1502942400000')).toBe(1502942400000); // Binance's first kline, 2017
    expect(klineTimeToMs('-5')).toBeNull();
    expect(klineTimeToMs('1.5e12')).toBeNull();
  });
});

describe('parseAnyCandleCsv', () => {
  it('reads TRD’s own CSV and Binance’s klines alike', () => {
    const trd =
      'open_time_ms,open,high,low,close,volume\n1735689600000,93576,93610.93,93537.5,93610.93,8.21827\n';
    expect(detectCandleCsvFormat(trd)).toBe('trd');
    expect(detectCandleCsvFormat(US_2025)).toBe('binance-klines');
    const own = parseAnyCandleCsv(trd);
    const binance = parseAnyCandleCsv(US_2025);
    expect(own.format).toBe('trd');
    expect(binance.format).toBe('binance-klines');
    expect(binance.candles[0]).toEqual(own.candles[0]);
  });
});
