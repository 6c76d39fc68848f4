import { z } from 'zod';
import { ConfigError } from '../errors';

/**
 * One OHLCV bar. Market data is an observation, not money we hold: prices are numbers here
 * (parsed from the venue's decimal strings, which they represent exactly). Everything derived
 * from them that is stored or sent goes through `Decimal`.
 */
export const candleSchema = z.object({
  /** Bar open time, Unix ms (UTC). */
  openTime: z.number().int(),
  open: z.number().positive(),
  high: z.number().positive(),
  low: z.number().positive(),
  close: z.number().positive(),
  /** Volume in base-asset units. */
  volume: z.number().nonnegative(),
});
export type Candle = z.infer<typeof candleSchema>;

export const CANDLE_INTERVAL_MS = { '1m': 60_000 } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVAL_MS;

/**
 * Parses candle CSV text (`open_time_ms,open,high,low,close,volume` with a header row), as the
 * candle fixtures are shipped. `source` (a file or fixture name) prefixes error messages.
 * @throws ConfigError naming the first line that is not a valid candle.
 */
export function parseCandleCsv(text: string, source?: string): Candle[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(1).map((line, index) => {
    const [openTime, open, high, low, close, volume] = line.split(',').map(Number);
    const parsed = candleSchema.safeParse({ openTime, open, high, low, close, volume });
    if (!parsed.success) {
      throw new ConfigError(
        `${source ? `${source}: ` : ''}candle CSV line ${index + 2} is not a valid candle: ${line}`,
      );
    }
    return parsed.data;
  });
}
