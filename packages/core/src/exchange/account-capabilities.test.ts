import { describe, expect, it } from 'vitest';
import { SPOT_ACCOUNT_CAPABILITIES } from './account-capabilities';

describe('SPOT_ACCOUNT_CAPABILITIES', () => {
  it('says a sell entry needs inventory and exits are venue-managed OCO pairs', () => {
    expect(SPOT_ACCOUNT_CAPABILITIES).toEqual({ sellEntryNeedsInventory: true, ocoExits: true });
  });

  it('is frozen, so no adapter can change it for the others', () => {
    expect(Object.isFrozen(SPOT_ACCOUNT_CAPABILITIES)).toBe(true);
  });
});
