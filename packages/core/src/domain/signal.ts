import { z } from 'zod';

export const signalActionSchema = z.enum(['buy', 'sell', 'hold']);
export type SignalAction = z.infer<typeof signalActionSchema>;

export const tradeSideSchema = z.enum(['buy', 'sell']);
export type TradeSide = z.infer<typeof tradeSideSchema>;

/** What a model call cost and how it went, for the audit trail. */
export const analysisUsageSchema = z.object({
  model: z.string(),
  latencyMs: z.number().nonnegative(),
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  totalTokens: z.number().int().nonnegative().optional(),
  /** What the call cost, in US dollars, when the analyzer knows its model's prices (0 for a cache replay). */
  costUsd: z.number().nonnegative().optional(),
  /** The raw answer as the model gave it (text), before validation. */
  rawAnswer: z.string().optional(),
  /** True when the answer came from a record/replay cache rather than a live call. */
  cached: z.boolean().optional(),
});
export type AnalysisUsage = z.infer<typeof analysisUsageSchema>;

/**
 * An analyzer's decision. Prices are in quote units per base unit. A `hold` carries a reason
 * when it replaced an invalid answer. Position size is never part of a signal: only the risk
 * manager sizes positions.
 */
export const signalSchema = z.object({
  action: signalActionSchema,
  /** 0–100. */
  confidence: z.number().min(0).max(100),
  entryPrice: z.number().positive().optional(),
  stopLoss: z.number().positive().optional(),
  takeProfit: z.number().positive().optional(),
  reasoning: z.string().optional(),
  usage: analysisUsageSchema.optional(),
});
export type Signal = z.infer<typeof signalSchema>;

export function holdSignal(reason: string, usage?: AnalysisUsage): Signal {
  return { action: 'hold', confidence: 0, reasoning: reason, ...(usage ? { usage } : {}) };
}
