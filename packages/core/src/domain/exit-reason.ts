import { z } from 'zod';

/**
 * Why a trade closed. The first four are the reference bot's; the last three are the engine
 * closing at market a position nothing protects any more (see core's README, "Lifecycle"):
 * - `TAKE_PROFIT`, `STOP_LOSS`: a leg of the exit pair filled;
 * - `TIMEOUT`: open longer than `positionTimeoutMs`; `MANUAL`: `closeTrade` (the user asked);
 * - `EXIT_UNPLACEABLE`: the exit could not be placed (the price is already past a level, a leg is
 *   under the venue's minimum, or the venue refused it);
 * - `EXIT_CANCELLED`: the exit was cancelled at the venue by someone other than the engine;
 * - `STOP_UNFILLED`: the stop leg triggered but did not fill (a stop-limit in a gap).
 * The trade's `exitNote` says what happened in words.
 */
export const exitReasonSchema = z.enum([
  'TAKE_PROFIT',
  'STOP_LOSS',
  'MANUAL',
  'TIMEOUT',
  'EXIT_UNPLACEABLE',
  'EXIT_CANCELLED',
  'STOP_UNFILLED',
]);
export type ExitReason = z.infer<typeof exitReasonSchema>;

/** Reasons the engine closes at market with its own order (not a leg of the exit pair). */
export type MarketCloseReason = Exclude<ExitReason, 'TAKE_PROFIT' | 'STOP_LOSS'>;
