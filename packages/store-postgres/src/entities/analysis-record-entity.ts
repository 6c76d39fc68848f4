import { EntitySchema } from '@mikro-orm/core';
import { unixMs } from './column-types';

/**
 * The audit trail of analyses: signal, model, latency, tokens and the raw answer. Signal prices
 * are observations (numbers in the domain), so `double precision` keeps them exactly.
 */
export interface AnalysisRecordRow {
  id: string;
  userId: string;
  symbol: string;
  analyzer: string;
  action: string;
  confidence: number;
  entryPrice: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  reasoning: string | null;
  price: number;
  model: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  rawAnswer: string | null;
  cached: boolean | null;
  /** What the call cost, USD (an estimate from token prices; not money the account holds). */
  costUsd: number | null;
  mode: string | null;
  inputHash: string | null;
  /** JSON of the model's signal before the policy (shared mode). */
  modelSignal: string | null;
  /** JSON of the performance policy applied (shared mode). */
  policy: string | null;
  /** JSON of the risk verdict. */
  verdict: string | null;
  tradeId: string | null;
  clientOrderId: string | null;
  createdAt: number;
}

export const AnalysisRecordEntity = new EntitySchema<AnalysisRecordRow>({
  name: 'AnalysisRecordRow',
  tableName: 'analysis_records',
  indexes: [{ name: 'analysis_records_user_created_index', properties: ['userId', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 64, primary: true },
    userId: { type: 'string', length: 64 },
    symbol: { type: 'string', length: 20 },
    analyzer: { type: 'string', length: 64 },
    action: { type: 'string', length: 4 },
    confidence: { type: 'double' },
    entryPrice: { type: 'double', nullable: true },
    stopLoss: { type: 'double', nullable: true },
    takeProfit: { type: 'double', nullable: true },
    reasoning: { type: 'text', nullable: true },
    price: { type: 'double' },
    model: { type: 'string', length: 128, nullable: true },
    latencyMs: { type: 'double', nullable: true },
    inputTokens: { type: 'integer', nullable: true },
    outputTokens: { type: 'integer', nullable: true },
    totalTokens: { type: 'integer', nullable: true },
    rawAnswer: { type: 'text', nullable: true },
    cached: { type: 'boolean', nullable: true },
    costUsd: { type: 'double', nullable: true },
    mode: { type: 'string', length: 8, nullable: true },
    inputHash: { type: 'string', length: 32, nullable: true },
    modelSignal: { type: 'text', nullable: true },
    policy: { type: 'text', nullable: true },
    verdict: { type: 'text', nullable: true },
    tradeId: { type: 'string', length: 64, nullable: true },
    clientOrderId: { type: 'string', length: 36, nullable: true },
    createdAt: unixMs,
  },
});
