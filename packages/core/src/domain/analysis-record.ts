import { z } from 'zod';
import { signalSchema } from './signal';

/** One analysis, kept for the audit trail: what the analyzer saw and said. */
export const analysisRecordSchema = z.object({
  id: z.string(),
  userId: z.string(),
  symbol: z.string(),
  analyzer: z.string(),
  signal: signalSchema,
  /** Last close the analyzer saw. */
  price: z.number().positive(),
  /** `shared` or `personal` (see the engine setting `analysisMode`). */
  mode: z.enum(['shared', 'personal']).optional(),
  /** Hash of the exact input the analyzer saw: one model call per distinct hash. */
  inputHash: z.string().optional(),
  /** Shared mode: what the model said before the user's performance policy. */
  modelSignal: signalSchema.optional(),
  /** Shared mode: the performance rules applied for this user. */
  policy: z
    .object({
      requiredConfidence: z.number(),
      confidenceAdjustment: z.number(),
      caution: z.boolean(),
      reasons: z.array(z.string()),
    })
    .optional(),
  /** What the risk manager decided for a buy or sell: approved, or the rules it broke. */
  verdict: z.object({ approved: z.boolean(), violations: z.array(z.string()) }).optional(),
  /** The trade (and its entry's client order id) this analysis led to, when approved. */
  tradeId: z.string().optional(),
  clientOrderId: z.string().optional(),
  createdAt: z.number().int(),
});
export type AnalysisRecord = z.infer<typeof analysisRecordSchema>;
