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

/** What `parseTradingHours` says of a text that is neither a window nor `always`. */
export const TRADING_HOURS_FORMAT = 'must be "START-END" in UTC hours (e.g. 8-16) or "always"';

/**
 * Trading hours from text, the one parser of every front end (server environment, backtest
 * arguments): `8-16` (UTC hours, start inclusive, end exclusive; `22-6` wraps past midnight),
 * `always`, `24h` or `0-24` for around the clock (`null`). `undefined` when the text is neither
 * (see `TRADING_HOURS_FORMAT`).
 */
export function parseTradingHours(text: string): TradingHours | null | undefined {
  const normalized = text.trim().toLowerCase();
  if (normalized === 'always' || normalized === '24h' || normalized === '0-24') return null;
  const match = /^(\d{1,2})\s*-\s*(\d{1,2})$/.exec(normalized);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > 23 || end > 24 || start === end) return undefined;
  return { startHourUtc: start, endHourUtc: end };
}
