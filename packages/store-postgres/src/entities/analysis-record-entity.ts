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
    createdAt: unixMs,
  },
});
