import { z } from 'zod';

/**
 * One user's trading settings. Defaults are the reference bot's. Percentages are in percent
 * (1 = 1%), amounts in the quote asset (USDT).
 */
export const tradingConfigSchema = z.object({
  userId: z.string().min(1),
  symbol: z
    .string()
    .regex(/^[A-Z0-9]{2,20}$/, 'must be an exchange symbol such as BTCUSDT')
    .default('BTCUSDT'),
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
