import type { AnalysisCursor, AnalysisRecord, Signal } from '@trd/core';
import type { z } from 'zod';
import type { analysisDecisionSchema } from '../server/api-schemas';

export type AnalysisDecision = z.infer<typeof analysisDecisionSchema>;

/**
 * One analysis record as the API shows it: the whole decision, so one answer says why a user
 * bought (or did not) at a given minute. Fields a record does not have are `null`, never missing.
 */
export function presentAnalysis(record: AnalysisRecord): AnalysisDecision {
  const signal = withoutUsage(record.signal);
  // Personal mode: the model's answer is the signal traded on.
  const model = record.modelSignal ?? record.signal;
  const usage = model.usage ?? record.signal.usage;
  return {
    id: record.id,
    time: record.createdAt,
    createdAt: record.createdAt,
    symbol: record.symbol,
    mode: record.mode ?? null,
    analyzer: record.analyzer,
    model: { name: record.analyzer, version: usage?.model ?? null },
    inputHash: record.inputHash ?? null,
    price: record.price,
    action: signal.action,
    confidence: signal.confidence,
    ...(signal.reasoning === undefined ? {} : { reasoning: signal.reasoning }),
    signal,
    modelSignal: withoutUsage(model),
    rawAnswer: usage?.rawAnswer ?? null,
    usage: usage
      ? {
          latencyMs: usage.latencyMs,
          ...pick(usage, ['inputTokens', 'outputTokens', 'totalTokens', 'costUsd', 'cached'] as const),
        }
      : null,
    policy: record.policy ?? null,
    verdict: verdictOf(record),
    tradeId: record.tradeId ?? null,
    clientOrderId: record.clientOrderId ?? null,
  };
}

function verdictOf(record: AnalysisRecord): AnalysisDecision['verdict'] {
  const { signal, verdict } = record;
  if (signal.action === 'hold')
    return { outcome: 'hold', violations: [], reason: signal.reasoning ?? 'the signal was hold' };
  if (verdict?.approved)
    return {
      outcome: 'approved',
      violations: [],
      reason: record.tradeId
        ? `risk checks passed: trade ${record.tradeId} opened with order ${record.clientOrderId ?? '?'}`
        : 'risk checks passed',
    };
  if (verdict)
    return {
      outcome: 'rejected',
      violations: verdict.violations,
      reason: `risk rejected: ${verdict.violations.join(', ') || 'no rule named'}`,
    };
  return {
    outcome: 'undecided',
    violations: [],
    reason: 'no risk verdict: the engine failed before the risk check (see the error events)',
  };
}

function withoutUsage(signal: Signal): Omit<Signal, 'usage'> {
  const { usage: _usage, ...rest } = signal;
  return rest;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]]),
  ) as Partial<Pick<T, K>>;
}

/** The cursor after `record`: its time, and its id in base64url (ids may hold any character). */
export function analysisCursorAfter(record: AnalysisRecord): string {
  return `${record.createdAt}.${Buffer.from(record.id, 'utf8').toString('base64url')}`;
}

/** Reads `before` (already matched against ANALYSIS_CURSOR_PATTERN): a time, or a cursor. */
export function parseAnalysisCursor(before: string): AnalysisCursor | null {
  const [time, encodedId] = before.split('.');
  const createdAt = Number(time);
  if (!Number.isSafeInteger(createdAt)) return null;
  if (encodedId === undefined) return { createdAt };
  const id = Buffer.from(encodedId, 'base64url').toString('utf8');
  // Base64url that does not round-trip was not made by this server.
  if (id.length === 0 || Buffer.from(id, 'utf8').toString('base64url') !== encodedId) return null;
  return { createdAt, id };
}
