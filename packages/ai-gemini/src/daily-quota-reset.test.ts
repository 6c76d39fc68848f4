import { describe, expect, it } from 'vitest';
import { GEMINI_DAILY_QUOTA_TIME_ZONE, nextMidnightIn } from './daily-quota-reset';

describe('nextMidnightIn (the daily quota reset)', () => {
  it('defaults to Pacific time', () => {
    expect(GEMINI_DAILY_QUOTA_TIME_ZONE).toBe('America/Los_Angeles');
  });

  it('is 08:00 UTC in winter (PST, UTC−8)', () => {
    // 2025-01-15 14:00 UTC = 06:00 PST → next midnight 2025-01-16 00:00 PST = 08:00 UTC.
    expect(nextMidnightIn(Date.UTC(2025, 0, 15, 14))).toBe(Date.UTC(2025, 0, 16, 8));
  });

  it('is 07:00 UTC in summer (PDT, UTC−7)', () => {
    expect(nextMidnightIn(Date.UTC(2025, 6, 1, 14))).toBe(Date.UTC(2025, 6, 2, 7));
  });

  it('counts from the Pacific date, not the UTC one', () => {
    // 2025-07-02 03:00 UTC is still 2025-07-01 20:00 PDT: the reset is that evening's midnight.
    expect(nextMidnightIn(Date.UTC(2025, 6, 2, 3))).toBe(Date.UTC(2025, 6, 2, 7));
  });

  it('is the next day when called exactly at midnight', () => {
    expect(nextMidnightIn(Date.UTC(2025, 6, 2, 7))).toBe(Date.UTC(2025, 6, 3, 7));
  });

  it('follows the daylight-saving changes', () => {
    // 2025-03-09 is 23 h long in Los Angeles (PST → PDT at 02:00), 2025-11-02 is 25 h long.
    expect(nextMidnightIn(Date.UTC(2025, 2, 9, 9))).toBe(Date.UTC(2025, 2, 10, 7));
    expect(nextMidnightIn(Date.UTC(2025, 10, 2, 8))).toBe(Date.UTC(2025, 10, 3, 8));
  });

  it('takes another zone', () => {
    expect(nextMidnightIn(Date.UTC(2025, 6, 1, 14), 'UTC')).toBe(Date.UTC(2025, 6, 2));
  });
});
