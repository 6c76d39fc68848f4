import type { AnalysisInput } from '../domain/analysis-input';
import type { Signal } from '../domain/signal';
import type { Analyzer } from '../ports/analyzer';

/** What a scripted analyzer answers: a signal, or a function of the input (which may throw or hang). */
export type AnalyzerScript =
  | Signal
  | ((input: AnalysisInput, options: { signal?: AbortSignal }) => Signal | Promise<Signal>);

export interface ScriptedAnalyzer extends Analyzer {
  /** Every input analysed, oldest first. */
  readonly inputs: AnalysisInput[];
  /** Replaces the answer for every user (or for one user). */
  script(answer: AnalyzerScript, userId?: string): void;
}

/**
 * An Analyzer for tests and benchmarks that answers what it is told: per user, else the default
 * (a hold). It records every input and honours the abort signal like a real analyzer must.
 */
export function createScriptedAnalyzer(
  defaultAnswer: AnalyzerScript = { action: 'hold', confidence: 0 },
  name = 'scripted',
): ScriptedAnalyzer {
  let fallback = defaultAnswer;
  const perUser = new Map<string, AnalyzerScript>();
  const inputs: AnalysisInput[] = [];
  return {
    specificationVersion: 'v1',
    name,
    // Answers may be scripted per user.
    dependsOnUser: true,
    inputs,
    script(answer, userId) {
      if (userId === undefined) fallback = answer;
      else perUser.set(userId, answer);
    },
    async analyze(input, options = {}) {
      inputs.push(input);
      const answer = perUser.get(input.userId) ?? fallback;
      if (typeof answer !== 'function') return structuredClone(answer);
      const { signal } = options;
      if (signal?.aborted) throw signal.reason;
      return await new Promise<Signal>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        Promise.resolve()
          .then(() => answer(input, options))
          .then(resolve, reject)
          .finally(() => signal?.removeEventListener('abort', onAbort));
      });
    },
  };
}
