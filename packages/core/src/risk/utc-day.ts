const DAY_MS = 86_400_000;

/** 00:00 UTC of the day containing `time` (Unix ms): where the daily trade count starts. */
export function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
