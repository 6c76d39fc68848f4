import { z } from 'zod';

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
