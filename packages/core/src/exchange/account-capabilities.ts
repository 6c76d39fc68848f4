import type { AccountCapabilities } from '../ports/trading-account';

/**
 * A spot account: no shorting, so a `sell` entry needs the base asset; exits are one-cancels-other
 * pairs the venue manages. Shared by every spot adapter so they cannot drift apart.
 */
export const SPOT_ACCOUNT_CAPABILITIES: AccountCapabilities = Object.freeze({
  sellEntryNeedsInventory: true,
  ocoExits: true,
});
