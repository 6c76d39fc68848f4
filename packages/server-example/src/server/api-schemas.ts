import {
  openPositionSchema,
  portfolioStatsSchema,
  symbolSchema,
  tradeSchema,
  tradeStatusSchema,
} from '@trd/core';
import { z } from 'zod';

/** Request and response shapes of the HTTP API. Requests are strict: unknown fields are refused. */

export const usernameSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only');
const passwordSchema = z.string().min(8, 'at least 8 characters').max(128);

export const registerBodySchema = z.strictObject({
  username: usernameSchema,
  email: z.email().max(254),
  password: passwordSchema,
});

export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(32),
  password: z.string().min(1).max(128),
});

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().describe('Seconds until the token expires'),
  user: z.object({ id: z.string(), username: z.string(), email: z.string() }),
});

export const messageResponseSchema = z.object({ message: z.string() });

/** The editable part of a trading config; the same bounds as core's `tradingConfigSchema`. */
export const configUpdateBodySchema = z.strictObject({
  symbol: symbolSchema.optional(),
  riskPercent: z.number().positive().max(100).optional(),
  maxPositionPercent: z.number().positive().max(100).optional(),
  maxDailyTrades: z.number().int().positive().max(1000).optional(),
  minConfidence: z.number().min(0).max(100).optional(),
  takeProfitPercent: z.number().positive().max(50).optional(),
  stopLossPercent: z.number().positive().max(50).optional(),
});

export const configResponseSchema = z.object({
  symbol: z.string(),
  isActive: z.boolean(),
  riskPercent: z.number(),
  maxPositionPercent: z.number(),
  maxDailyTrades: z.number(),
  minConfidence: z.number(),
  takeProfitPercent: z.number(),
  stopLossPercent: z.number(),
  engine: z.object({
    tradingHours: z.object({ startHourUtc: z.number(), endHourUtc: z.number() }).nullable(),
    cycleSeconds: z.number(),
    monitorSeconds: z.number(),
    positionTimeoutMinutes: z.number(),
    exchange: z.string(),
    analyzer: z.string(),
    demoMode: z.boolean(),
    symbols: z.array(z.string()),
  }),
});

export const tradeIdParamsSchema = z.strictObject({
  trade_id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'not a trade id'),
});

export const tradesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  status: tradeStatusSchema.optional(),
});

// Trades, positions and portfolio stats are core's schemas, so the answers carry every field core
// defines (all seven exit reasons, `exitNote`, `exitQuantity`, `protection`, `unprotectedSince`,
// `dust`) and the serializer checks them: a value outside these schemas is a 500, never sent.
// Routes pass positions and stats through `routes/presenters.ts` first.

export const tradePageResponseSchema = z.object({
  trades: z.array(tradeSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const tradeResponseSchema = z.object({ trade: tradeSchema });
export const positionsResponseSchema = z.object({ positions: z.array(openPositionSchema) });

export const balanceSchema = z.object({ asset: z.string(), free: z.string(), locked: z.string() });

export const portfolioResponseSchema = z.object({
  stats: portfolioStatsSchema,
  balances: z.array(balanceSchema).nullable(),
  balancesError: z.string().optional(),
  openPositions: z.number().int(),
  tradesToday: z.number().int(),
});

export const performanceResponseSchema = z.object({
  closedTrades: z.number().int(),
  winningTrades: z.number().int(),
  losingTrades: z.number().int(),
  winRate: z.number(),
  totalPnl: z.string(),
  totalFees: z.string(),
  averagePnl: z.string(),
  profitFactor: z.number().nullable(),
  grossProfit: z.string(),
  grossLoss: z.string(),
  maxDrawdown: z.string(),
  bestTrade: z.string().nullable(),
  worstTrade: z.string().nullable(),
  averageDurationSeconds: z.number().nullable(),
  byExitReason: z.record(z.string(), z.number().int()),
  equityCurve: z.array(z.object({ time: z.number().int(), tradeId: z.string(), cumulativePnl: z.string() })),
});

export const credentialsBodySchema = z.strictObject({
  apiKey: z
    .string()
    .min(8)
    .max(256)
    .regex(/^[A-Za-z0-9]+$/, 'letters and digits only'),
  secret: z
    .string()
    .min(8)
    .max(256)
    .regex(/^[A-Za-z0-9]+$/, 'letters and digits only'),
});

/** `PUT /account/exchange-credentials`: stored, with what the venue check found worth saying. */
export const credentialsStoredResponseSchema = z.object({
  message: z.string(),
  warnings: z.array(z.string()),
});

export const accountResponseSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  hasExchangeCredentials: z.boolean(),
  /** Where the user's orders go: `paper` (the simulated venue) or `live` (their own account). */
  tradingMode: z.enum(['paper', 'live']),
  /** The real venue live trading goes to, `null` on a server with the simulated exchange only. */
  liveVenue: z.string().nullable(),
});

/** `PUT /account/trading-mode`: going live is confirmed explicitly, paper needs no confirmation. */
export const tradingModeBodySchema = z.strictObject({
  mode: z.enum(['paper', 'live']),
  confirm: z.boolean().optional(),
});

export const tradingModeResponseSchema = z.object({
  tradingMode: z.enum(['paper', 'live']),
  message: z.string(),
});

export const candlesQuerySchema = z.strictObject({
  symbol: symbolSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const candlesResponseSchema = z.object({
  symbol: z.string(),
  candles: z.array(
    z.object({
      time: z.number().int(),
      open: z.number(),
      high: z.number(),
      low: z.number(),
      close: z.number(),
      volume: z.number(),
    }),
  ),
});

/** `before`: a Unix ms time, or the `nextBefore` cursor of the previous page (`<ms>.<id in base64url>`). */
export const ANALYSIS_CURSOR_PATTERN = /^\d{1,15}(\.[A-Za-z0-9_-]{1,256})?$/;

export const analysesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z
    .string()
    .regex(ANALYSIS_CURSOR_PATTERN, 'must be a Unix ms time or the nextBefore of the previous page')
    .optional(),
  symbol: symbolSchema.optional(),
});

/** A signal as recorded, without its usage (the record's `model` and `usage` carry that). */
const recordedSignalSchema = z.object({
  action: z.enum(['buy', 'sell', 'hold']),
  confidence: z.number(),
  entryPrice: z.number().optional(),
  stopLoss: z.number().optional(),
  takeProfit: z.number().optional(),
  reasoning: z.string().optional(),
});

/** One decision: what the model saw (hash) and said, the policy, the verdict and the trade it led to. */
export const analysisDecisionSchema = z.object({
  id: z.string(),
  time: z.number().int().describe('When the analysis was made, Unix ms'),
  createdAt: z.number().int().describe('The same as time (kept for older clients)'),
  symbol: z.string(),
  mode: z.enum(['shared', 'personal']).nullable().describe('shared: one model call per symbol and candle'),
  analyzer: z.string(),
  model: z
    .object({
      name: z.string().describe('The analyzer, e.g. gemini:gemini-2.5-flash'),
      version: z.string().nullable().describe('The model version that answered, when the analyzer said'),
    })
    .describe('Which model decided'),
  inputHash: z.string().nullable().describe('Hash of the exact input the analyzer saw'),
  price: z.number().describe('Last close the analyzer saw'),
  action: z.enum(['buy', 'sell', 'hold']).describe('The signal this user traded on'),
  confidence: z.number(),
  reasoning: z.string().optional(),
  signal: recordedSignalSchema.describe('The signal this user traded on (the policy applied)'),
  modelSignal: recordedSignalSchema.describe('What the model said, before any policy'),
  rawAnswer: z.string().nullable().describe('The model’s answer as it came, before validation'),
  usage: z
    .object({
      latencyMs: z.number(),
      inputTokens: z.number().int().optional(),
      outputTokens: z.number().int().optional(),
      totalTokens: z.number().int().optional(),
      costUsd: z.number().optional(),
      cached: z.boolean().optional(),
    })
    .nullable(),
  policy: z
    .object({
      requiredConfidence: z.number(),
      confidenceAdjustment: z.number(),
      caution: z.boolean(),
      reasons: z.array(z.string()),
    })
    .nullable()
    .describe('Shared mode: the performance rules applied for this user'),
  verdict: z.object({
    outcome: z.enum(['hold', 'approved', 'rejected', 'undecided']),
    violations: z.array(z.string()).describe('Risk rules broken (codes)'),
    reason: z.string(),
  }),
  tradeId: z.string().nullable(),
  clientOrderId: z.string().nullable(),
});

export const analysesResponseSchema = z.object({
  analyses: z.array(analysisDecisionSchema),
  limit: z.number().int(),
  nextBefore: z.string().nullable().describe('Pass as before for the next (older) page; null at the end'),
});

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  time: z.number().int(),
  checks: z.record(z.string(), z.boolean()),
});

/** The body of every error answer. */
export const errorResponseSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** Documents the error answers a route may give (OpenAPI). */
export function errorResponses<const Codes extends readonly number[]>(
  ...codes: Codes
): { [K in Codes[number]]: typeof errorResponseSchema } {
  return Object.fromEntries(codes.map((code) => [code, errorResponseSchema])) as {
    [K in Codes[number]]: typeof errorResponseSchema;
  };
}
