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
  createdAt: z.number().int(),
});
export type AnalysisRecord = z.infer<typeof analysisRecordSchema>;
