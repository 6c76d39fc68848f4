/**
 * The time zone whose midnight resets Gemini's per-day quotas. Google's rate-limit page says
 * "Requests per day (RPD) quotas reset at midnight Pacific time"
 * (https://ai.google.dev/gemini-api/docs/rate-limits); Pacific time is `America/Los_Angeles`,
 * so the reset follows daylight saving: 08:00 UTC in winter (PST), 07:00 UTC in summer (PDT).
 */
export const GEMINI_DAILY_QUOTA_TIME_ZONE = 'America/Los_Angeles';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(time: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(time)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as unknown as LocalTime;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `time`, ms (negative west of Greenwich). */
function offsetAt(time: number, timeZone: string): number {
  const local = localTime(time, timeZone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return wall - Math.floor(time / 1000) * 1000;
}

/**
 * The first midnight in `timeZone` after `now` (Unix ms), as Unix ms. Midnight never falls in a
 * daylight-saving gap in Pacific time (the changes happen at 02:00), so it always exists.
 * @throws RangeError for an unknown time zone.
 */
export function nextMidnightIn(now: number, timeZone: string = GEMINI_DAILY_QUOTA_TIME_ZONE): number {
  const today = localTime(now, timeZone);
  const nextWallMidnight = Date.UTC(today.year, today.month - 1, today.day + 1);
  // Guess with today's offset, then correct with the offset at the guess (a DST change in between).
  const guess = nextWallMidnight - offsetAt(now, timeZone);
  return nextWallMidnight - offsetAt(guess, timeZone);
}
