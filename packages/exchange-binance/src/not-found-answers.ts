/**
 * Binance answers meaning "this order / order list does not exist". The one place that decides
 * it: HTTP failures (`mapBinanceFailure`) and ccxt's own errors (`toTrdError`) both ask here, so a
 * lookup reads every variant as not-found (`findOrder` / `findExit` → `null`, `exitStatus` /
 * `cancelExit` → `OrderNotFoundError`), whichever code Binance picked for it this time.
 */

/**
 * Codes that mean not-found on their own, whatever the message.
 * - -2013 NO_SUCH_ORDER "Order does not exist." (errors.md, `### -2013 NO_SUCH_ORDER`).
 * - -2026 ORDER_ARCHIVED: a cancelled or expired order with nothing executed, older than 90 days
 *   (errors.md, `### -2026 ORDER_ARCHIVED`; CHANGELOG.md: it replaced -2013 for such orders). It
 *   never filled, so for the engine it is as good as unknown.
 */
const NOT_FOUND_CODES: ReadonlySet<number> = new Set([-2013, -2026]);

/**
 * Messages that mean not-found under any code. -2011 CANCEL_REJECTED and -2018 carry other
 * meanings too, so for them the message decides:
 * - "Unknown order sent." — the order "could not be found" (errors.md, messages for -1010, -2010,
 *   -2011 and -2038).
 * - "Order does not exist." — the -2013 message, also seen wrapped under other codes.
 * - "Order list does not exist." — an unknown order list, reported as -2018 (binance-spot-api-docs
 *   pull request #43, not in errors.md) and as -2011; -2018 alone is also "Balance is insufficient"
 *   on other Binance APIs, so it needs this message.
 * - "… has been archived." — the -2026 message.
 */
const NOT_FOUND_MESSAGES: readonly RegExp[] = [
  /\bunknown order (list )?sent\b/i,
  /\border (list )?does not exist\b/i,
  /\bhas been archived\b/i,
];

/** Whether Binance's `{ code, msg }` says the order or order list does not exist. */
export function isNotFoundAnswer(code: number | undefined, message: string | undefined): boolean {
  if (code !== undefined && NOT_FOUND_CODES.has(code)) return true;
  return message !== undefined && NOT_FOUND_MESSAGES.some((pattern) => pattern.test(message));
}
