import type { Trade } from '../domain/trade';

/**
 * Time in market: the share of [start, end) (Unix ms) during which at least one position was
 * open (from `openedAt` to `closedAt`, a trade still open counting until `end`), in [0, 1].
 * Overlapping positions count once.
 */
export function exposure(trades: readonly Trade[], start: number, end: number): number {
  if (end <= start) return 0;
  const intervals = trades
    .filter((trade) => trade.status === 'closed' || trade.status === 'filled')
    .map((trade) => [Math.max(trade.openedAt, start), Math.min(trade.closedAt ?? end, end)] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = start;
  for (const [from, to] of intervals) {
    if (to <= reach) continue;
    covered += to - Math.max(from, reach);
    reach = to;
  }
  return covered / (end - start);
}
