/** Number and time formatting for prompts: fixed rules, so the same input always gives the same text. */

/** Up to 10 significant digits, no trailing zeros: 63196.01, 0.00001234. */
export function formatPrice(value: number): string {
  return String(Number(value.toPrecision(10)));
}

/** Up to 6 significant digits, for indicator values and volumes. */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A signed percent with 2 decimals: +0.12%, -3.40%. */
export function formatSignedPercent(value: number): string {
  const fixed = value.toFixed(2);
  return `${value >= 0 && !fixed.startsWith('-') ? '+' : ''}${fixed}%`;
}

/** A percent with 1 decimal: 33.3%. */
export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** `YYYY-MM-DDTHH:MMZ` from Unix ms, computed by hand (core reads no clock, not even through `Date`). */
export function formatUtcMinute(unixMs: number): string {
  const minutes = Math.floor(unixMs / 60_000);
  const days = Math.floor(minutes / 1440);
  const minuteOfDay = minutes - days * 1440;
  const { year, month, day } = civilFromDays(days);
  return `${year}-${pad(month)}-${pad(day)}T${formatUtcClock(minuteOfDay * 60_000)}Z`;
}

/** `HH:MM` (UTC) of a Unix ms time. */
export function formatUtcClock(unixMs: number): string {
  const minuteOfDay = ((Math.floor(unixMs / 60_000) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
function civilFromDays(daysSinceEpoch: number): { year: number; month: number; day: number } {
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
