import type { AnalysisInput } from '../domain/analysis-input';
import type { Signal } from '../domain/signal';

/**
 * Decides buy, sell or hold from market data and the user's history.
 *
 * Contract:
 * - `analyze` MUST resolve to a valid `Signal` (core's `signalSchema`).
 * - Output it cannot use (malformed, incomplete, impossible prices, blocked or truncated answers)
 *   MUST become a `hold` with the reason in `reasoning`, never an exception and never a trade.
 *   Core's `sanitizeSignal` does the price checks; analyzers SHOULD call it.
 * - It MAY throw (e.g. `ModelUnavailableError`) when the service cannot be reached; the engine
 *   reports that user's failure and goes on with the others.
 * - It MUST stop and reject when `options.signal` aborts.
 * - A signal MUST NOT carry a position size: the risk manager alone sizes positions.
 * - The answer SHOULD depend only on the market, history and config in the input, not on
 *   `userId`: the engine analyses identical inputs once per cycle and gives every user the answer.
 *   An analyzer whose answers depend on the user (a scripted test double) says `dependsOnUser`.
 */
export interface Analyzer {
  readonly specificationVersion: 'v1';
  /** Name for events and the audit trail, e.g. `technical` or `gemini:gemini-2.5-flash`. */
  readonly name: string;
  /** True when answers depend on `input.userId`: the engine then never shares one between users. */
  readonly dependsOnUser?: boolean;
  analyze(input: AnalysisInput, options?: { signal?: AbortSignal }): Promise<Signal>;
}
