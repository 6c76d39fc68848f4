import { ConfigError } from '../errors';
import { stableHash } from './stable-hash';

/**
 * Deterministic client order ids. The same user and cycle time always give the same entry id, so
 * a crashed engine can find its order again; the trade, the exit pair and the closing orders
 * derive theirs from the entry's.
 *
 * Venue-neutral: letters and digits only, at most 32 characters (about 25), the rule most venues
 * share (OKX: 1-32 alphanumerics; Binance: 36 of [A-Za-z0-9._:/-]; Bybit: 36 of letters, digits,
 * `-` and `_`). Shapes: entry `trdE<time><hash>`, trade `trdT…`, exit `trdX…`, close `trdC<n>…`.
 *
 * Ids journalled before this format (`trd-e-…`, Binance's 36 characters) keep deriving their exit
 * and close ids the old way, so an engine upgraded with open positions finds their orders again.
 */

const ENTRY_PREFIX = 'trdE';
const LEGACY_ENTRY_PREFIX = 'trd-e-';
/** Longest id: the rule of the strictest venue in view (OKX). */
export const CLIENT_ORDER_ID_MAX_LENGTH = 32;

export function entryClientOrderId(userId: string, cycleTime: number): string {
  return `${ENTRY_PREFIX}${Math.max(0, Math.trunc(cycleTime)).toString(36)}${stableHash(userId)}`;
}

/** The trade recorded for an entry. */
export function tradeIdForEntry(entryClientOrderId: string): string {
  return derive(entryClientOrderId, 'T', 't');
}

/** The exit pair (take profit + stop loss) placed after an entry. */
export function exitClientOrderId(entryClientOrderId: string): string {
  return derive(entryClientOrderId, 'X', 'x');
}

/**
 * The market order that closes a trade; `attempt` > 1 only after an earlier close order failed.
 * Attempts 1 to 35 (one base-36 character; the engine makes at most 10).
 */
export function closeClientOrderId(entryClientOrderId: string, attempt = 1): string {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > 35) {
    throw new ConfigError(`close attempt must be an integer from 1 to 35, got ${attempt}`);
  }
  return derive(entryClientOrderId, `C${attempt.toString(36)}`, attempt === 1 ? 'c' : `c${attempt}`);
}

function derive(entryId: string, kind: string, legacyKind: string): string {
  if (entryId.startsWith(LEGACY_ENTRY_PREFIX)) {
    return `trd-${legacyKind}-${entryId.slice(LEGACY_ENTRY_PREFIX.length)}`.slice(0, 36);
  }
  const body = entryId.startsWith(ENTRY_PREFIX) ? entryId.slice(ENTRY_PREFIX.length) : stableHash(entryId);
  return `trd${kind}${body}`.slice(0, CLIENT_ORDER_ID_MAX_LENGTH);
}
