import type { TradeHistoryContext } from '../domain/analysis-input';
import type { Signal } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import { PERFORMANCE_RULES, performanceWarnings } from './performance-rules';

/** Extra confidence a high stop-loss rate demands ("extra caution"). */
export const CAUTION_CONFIDENCE_POINTS = 10;

/**
 * The reference bot's performance rules applied in code to one user's copy of a signal: what
 * the model was only asked to weigh in a prompt, enforced the same way every time.
 */
export interface AppliedPolicy {
  /** The confidence a trade needs for this user now (the config's, or more). */
  requiredConfidence: number;
  /** Points taken off the signal's confidence (a losing streak: −15, −20 from three losses on). */
  confidenceAdjustment: number;
  /** A high stop-loss rate: the required confidence rises by CAUTION_CONFIDENCE_POINTS. */
  caution: boolean;
  /** The rules that applied, in words (empty when none did). */
  reasons: string[];
}

/**
 * Applies the performance rules to `signal` for a user with `history` and `config`:
 * - win rate under 40% (with closed trades) → more than 85 required (86 or more);
 * - a losing streak (2+ losses in a row, or a losing recent trend) → confidence −15, −20 from 3 losses;
 * - stop-loss rate over 60% → caution: 10 more points required.
 * Returns the signal with its adjusted confidence (never below 0) and the policy applied; a hold
 * passes unchanged. Deterministic: the same history always gives the same verdict.
 */
export function applyPerformancePolicy(
  signal: Signal,
  history: TradeHistoryContext,
  config: Pick<TradingConfig, 'minConfidence'>,
): { signal: Signal; policy: AppliedPolicy } {
  const warnings = performanceWarnings(history);
  const reasons: string[] = [];
  let required = config.minConfidence;
  if (warnings.lowWinRate) {
    required = Math.max(required, PERFORMANCE_RULES.lowWinRateMinConfidence + 1);
    reasons.push(
      `win rate ${history.winRate.toFixed(0)}% < ${PERFORMANCE_RULES.lowWinRatePercent}%: confidence > ${PERFORMANCE_RULES.lowWinRateMinConfidence} required`,
    );
  }
  let adjustment = 0;
  if (warnings.losingStreak) {
    const { min, max } = PERFORMANCE_RULES.losingStreakPenalty;
    adjustment = -(history.losingStreak >= 3 ? max : min);
    reasons.push(
      `losing streak of ${history.losingStreak} (trend ${history.recentTrend}): confidence ${adjustment}`,
    );
  }
  const caution = warnings.highStopLossRate;
  if (caution) {
    required += CAUTION_CONFIDENCE_POINTS;
    reasons.push(
      `stop-loss rate ${history.stopLossHitRate.toFixed(0)}% > ${PERFORMANCE_RULES.highStopLossRatePercent}%: ${CAUTION_CONFIDENCE_POINTS} more points required`,
    );
  }
  const policy: AppliedPolicy = {
    requiredConfidence: required,
    confidenceAdjustment: adjustment,
    caution,
    reasons,
  };
  if (signal.action === 'hold' || adjustment === 0) return { signal, policy };
  return { signal: { ...signal, confidence: Math.max(0, signal.confidence + adjustment) }, policy };
}
