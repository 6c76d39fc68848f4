import { describe, expect, it } from 'vitest';
import { isWithinTradingHours, parseTradingHours } from './trading-hours';

const day = Date.UTC(2025, 5, 2);
const time = (h: number, m = 0, s = 0, ms = 0) => day + ((h * 60 + m) * 60 + s) * 1000 + ms;

describe('isWithinTradingHours', () => {
  const hours = { startHourUtc: 8, endHourUtc: 16 };
  it('includes 08:00 and excludes 16:00', () => {
    expect(isWithinTradingHours(time(7, 59, 59, 999), hours)).toBe(false);
    expect(isWithinTradingHours(time(8), hours)).toBe(true);
    expect(isWithinTradingHours(time(15, 59, 59, 999), hours)).toBe(true);
    expect(isWithinTradingHours(time(16), hours)).toBe(false);
  });
  it('trades around the clock with null hours', () => {
    expect(isWithinTradingHours(time(3), null)).toBe(true);
  });
  it('wraps a window past midnight', () => {
    const night = { startHourUtc: 22, endHourUtc: 6 };
    expect(isWithinTradingHours(time(23), night)).toBe(true);
    expect(isWithinTradingHours(time(5, 59), night)).toBe(true);
    expect(isWithinTradingHours(time(6), night)).toBe(false);
    expect(isWithinTradingHours(time(12), night)).toBe(false);
  });
});

describe('parseTradingHours (the one parser of the server and the backtest)', () => {
  it('reads windows, around-the-clock forms and refuses the rest', () => {
    expect(parseTradingHours('8-16')).toEqual({ startHourUtc: 8, endHourUtc: 16 });
    expect(parseTradingHours(' 22 - 6 ')).toEqual({ startHourUtc: 22, endHourUtc: 6 });
    for (const always of ['always', 'ALWAYS', '24h', '0-24']) expect(parseTradingHours(always)).toBeNull();
    for (const bad of ['', '8', '8-8', '24-2', '8-25', '8:00-16:00', 'nine-five'])
      expect(parseTradingHours(bad), bad).toBeUndefined();
  });
});
