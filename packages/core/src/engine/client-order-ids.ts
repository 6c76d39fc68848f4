import { stableHash } from './stable-hash';

/**
 * Deterministic client order ids. The same user and cycle time always give the same entry id, so
 * a crashed engine can find its order again; the trade, the exit pair and the closing orders
 * derive theirs from the entry's. Ids are at most 36 characters of [A-Za-z0-9_-] (Binance's rule).
 */

const ENTRY_PREFIX = 'trd-e-';

export function entryClientOrderId(userId: string, cycleTime: number): string {
  return `${ENTRY_PREFIX}${Math.max(0, Math.trunc(cycleTime)).toString(36)}-${stableHash(userId)}`;
}

/** The trade recorded for an entry. */
export function tradeIdForEntry(entryClientOrderId: string): string {
  return derive(entryClientOrderId, 't');
}

/** The exit pair (take profit + stop loss) placed after an entry. */
export function exitClientOrderId(entryClientOrderId: string): string {
  return derive(entryClientOrderId, 'x');
}

/** The market order that closes a trade; `attempt` > 1 only after an earlier close order failed. */
export function closeClientOrderId(entryClientOrderId: string, attempt = 1): string {
  return derive(entryClientOrderId, attempt === 1 ? 'c' : `c${attempt}`);
}

function derive(entryId: string, kind: string): string {
  const body = entryId.startsWith(ENTRY_PREFIX) ? entryId.slice(ENTRY_PREFIX.length) : stableHash(entryId);
  return `trd-${kind}-${body}`.slice(0, 36);
}
