import { type DecimalInput, dec } from '../decimal';

/**
 * The one definition of a winning trade, used by every statistic (the portfolio's totals, the
 * performance report, the history the analyzer and the performance policy see): a trade wins when
 * it made money. One that did not — a loss or exactly break-even, which still paid its fees'
 * worth of risk — counts as a loss, as the reference bot counts it.
 */
export function isWinningTrade(profitLoss: DecimalInput | null | undefined): boolean {
  return dec(profitLoss ?? 0).gt(0);
}
