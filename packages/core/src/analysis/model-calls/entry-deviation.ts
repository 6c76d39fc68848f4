import type { AnalysisPromptOptions } from '../analysis-prompt';
import type { ParseModelAnswerOptions } from '../model-answer';

/**
 * A model analyzer's `maxEntryDeviationPercent`, as core's prompt (`buildAnalysisPrompt`) and
 * core's checks (`signalFromAnswer`) take it, so the model is told the very limit its answer is
 * checked against. Undefined leaves both at core's default (and the prompt, so cache keys,
 * unchanged).
 */
export function entryDeviationSettings(maxEntryDeviationPercent: number | undefined): {
  prompt: AnalysisPromptOptions;
  checks: ParseModelAnswerOptions;
} {
  if (maxEntryDeviationPercent === undefined) return { prompt: {}, checks: {} };
  return {
    prompt: { maxEntryDeviationPercent },
    checks: { maxDeviationPercent: maxEntryDeviationPercent },
  };
}
