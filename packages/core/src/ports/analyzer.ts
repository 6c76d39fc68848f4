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
 */
export interface Analyzer {
  readonly specificationVersion: 'v1';
  /** Name for events and the audit trail, e.g. `technical` or `gemini:gemini-2.5-flash`. */
  readonly name: string;
  analyze(input: AnalysisInput, options?: { signal?: AbortSignal }): Promise<Signal>;
}
