import { z } from 'zod';

/**
 * A symbol in its venue's syntax: `BTCUSDT` (Binance, Bybit), `BTC-USDT` (OKX), `BTC_USDT`,
 * `XBT/USD`. 2 to 20 characters (the store's column width): capital letters and digits, with
 * `-`, `_`, `/`, `.` or `:` between them. Core never parses a symbol; the market rules name its
 * base and quote assets.
 */
export const SYMBOL_PATTERN = /^[A-Z0-9](?:[A-Z0-9._:/-]{0,18}[A-Z0-9])$/;

/** The one check of a symbol's syntax, for configs, API bodies and queries. */
export const symbolSchema = z
  .string()
  .regex(SYMBOL_PATTERN, 'must be an exchange symbol such as BTCUSDT or BTC-USDT');

/**
 * One user's trading settings. Defaults are the reference bot's. Percentages are in percent
 * (1 = 1%), amounts in the quote asset (USDT).
 */
export const tradingConfigSchema = z.object({
  userId: z.string().min(1),
  symbol: symbolSchema.default('BTCUSDT'),
  isActive: z.boolean().default(false),
  /** Share of the balance risked per trade, in percent. */
  riskPercent: z.number().positive().max(100).default(1),
  /** Largest trade value as a percent of the quote balance. */
  maxPositionPercent: z.number().positive().max(100).default(10),
  maxDailyTrades: z.number().int().positive().default(10),
  /** Minimum analyzer confidence, 0–100. */
  minConfidence: z.number().min(0).max(100).default(60),
  /** Take-profit distance from the entry fill, in percent. */
  takeProfitPercent: z.number().positive().max(50).default(0.3),
  /** Stop-loss distance from the entry fill, in percent. */
  stopLossPercent: z.number().positive().max(50).default(0.5),
});
export type TradingConfig = z.infer<typeof tradingConfigSchema>;
export type TradingConfigInput = z.input<typeof tradingConfigSchema>;

export function defaultTradingConfig(userId: string, overrides: Partial<TradingConfig> = {}): TradingConfig {
  return tradingConfigSchema.parse({ userId, ...overrides });
}
