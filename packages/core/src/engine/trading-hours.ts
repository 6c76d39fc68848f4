import type { TradingHours } from './settings';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * True when `time` (Unix ms) falls in the trading hours: start inclusive, end exclusive, so
 * 08:00 trades and 16:00 does not. A window whose end is before its start wraps past midnight.
 * `null` hours mean around the clock.
 */
export function isWithinTradingHours(time: number, hours: TradingHours | null): boolean {
  if (hours === null) return true;
  const msOfDay = ((time % DAY_MS) + DAY_MS) % DAY_MS;
  const start = hours.startHourUtc * HOUR_MS;
  const end = hours.endHourUtc * HOUR_MS;
  return start < end ? msOfDay >= start && msOfDay < end : msOfDay >= start || msOfDay < end;
}
