import {
  Decimal,
  type DustHolding,
  type ExitReason,
  emptyPortfolio,
  type OpenPosition,
  type Store,
  type Trade,
  toDecimalString,
} from '@trd/core';

/** Exit notes as the engine words them when it closes at market (for the market-close reasons). */
export const EXIT_NOTES: Partial<Record<ExitReason, string>> = {
  EXIT_UNPLACEABLE:
    'the venue refused the exit pair (take profit 63231.24 below the last price); closed at market',
  EXIT_CANCELLED: 'the exit pair oco-7 was cancelled at the venue by someone else; closed at market',
  STOP_UNFILLED: 'the stop 62726.90 triggered but its limit did not fill in a gap; closed at market',
};

const REASONS: readonly ExitReason[] = [
  'TAKE_PROFIT',
  'STOP_LOSS',
  'TIMEOUT',
  'MANUAL',
  'EXIT_UNPLACEABLE',
  'EXIT_CANCELLED',
  'STOP_UNFILLED',
];

export interface LifecycleFixtures {
  /** One closed trade per exit reason, newest first, then the open trade of `position`. */
  trades: Trade[];
  /** An open position nothing protects (its exit was refused). */
  position: OpenPosition;
  dust: DustHolding[];
}

/** Trades, an unprotected position and dust of one user as the new engine and stores record them. */
export function lifecycleFixtures(userId: string, now: number): LifecycleFixtures {
  const base = {
    userId,
    symbol: 'BTCUSDT',
    side: 'buy' as const,
    quantity: '0.01586',
    entryPrice: '63042.11',
    entryFee: '0.00001586',
    takeProfit: '63231.24',
    stopLoss: '62726.9',
    confidence: 80,
  };
  const closed: Trade[] = REASONS.map((exitReason, i) => {
    const openedAt = now - (REASONS.length - i + 1) * 600_000;
    const trade: Trade = {
      ...base,
      id: `trd-seed-${exitReason.toLowerCase().replaceAll('_', '-')}`,
      status: 'closed',
      clientOrderId: `seed-entry-${i}`,
      openedAt,
      closedAt: openedAt + 120_000,
      exitPrice: exitReason === 'TAKE_PROFIT' ? '63231.24' : '62990.5',
      exitFee: '0.99',
      exitReason,
      // A base-asset entry fee makes the exit sell a step less: the rest is dust.
      exitQuantity: '0.01585',
      profitLoss: exitReason === 'TAKE_PROFIT' ? '2.01' : '-1.81',
      profitLossPercent: exitReason === 'TAKE_PROFIT' ? '0.2' : '-0.18',
      durationSeconds: 120,
    };
    const note = EXIT_NOTES[exitReason];
    if (note !== undefined) trade.exitNote = note;
    return trade;
  }).reverse();
  const open: Trade = {
    ...base,
    id: 'trd-seed-open',
    status: 'filled',
    clientOrderId: 'seed-entry-open',
    openedAt: now - 60_000,
  };
  const position: OpenPosition = {
    tradeId: open.id,
    userId,
    symbol: open.symbol,
    side: open.side,
    quantity: '0.01585',
    entryPrice: open.entryPrice,
    takeProfit: open.takeProfit,
    stopLoss: open.stopLoss,
    protection: 'unprotected',
    unprotectedSince: now - 45_000,
    openedAt: open.openedAt,
  };
  const dust: DustHolding[] = [{ symbol: 'BTCUSDT', asset: 'BTC', quantity: '0.00000945', cost: '0.5957' }];
  return { trades: [open, ...closed], position, dust };
}

/**
 * Makes `store` answer the API's reads of `userId` (trades, positions, portfolio) from `seed`,
 * every other user's reads and all writes as before; returns the function that undoes it. It
 * patches the object in place, so a server already built around `store` sees the seed. For
 * tests, until every store persists exit notes, protection states and dust itself.
 */
export function serveSeededReads(store: Store, userId: string, seed: LifecycleFixtures): () => void {
  const original = {
    listTrades: store.listTrades,
    getTrade: store.getTrade,
    openPositions: store.openPositions,
    getPortfolio: store.getPortfolio,
  };
  const copy = <T>(value: T): T => structuredClone(value);
  store.listTrades = async (id, page) => {
    if (id !== userId) return original.listTrades.call(store, id, page);
    const matching = seed.trades.filter((trade) => page.status === undefined || trade.status === page.status);
    return { trades: copy(matching.slice(page.offset, page.offset + page.limit)), total: matching.length };
  };
  store.getTrade = async (id, tradeId) =>
    id === userId
      ? copy(seed.trades.find((trade) => trade.id === tradeId) ?? null)
      : original.getTrade.call(store, id, tradeId);
  store.openPositions = async (id) =>
    id === userId ? [copy(seed.position)] : original.openPositions.call(store, id);
  store.getPortfolio = async (id) => {
    if (id !== userId) return original.getPortfolio.call(store, id);
    const closed = seed.trades.filter((trade) => trade.status === 'closed');
    const wins = closed.filter((trade) => Number(trade.profitLoss) > 0).length;
    const last = Math.max(...closed.map((trade) => trade.closedAt ?? 0));
    return {
      ...emptyPortfolio(userId, last),
      totalTrades: closed.length,
      winningTrades: wins,
      losingTrades: closed.length - wins,
      winRate: closed.length === 0 ? 0 : (wins / closed.length) * 100,
      totalRealizedPnl: toDecimalString(
        closed.reduce((sum, trade) => sum.plus(trade.profitLoss ?? '0'), new Decimal(0)),
      ),
      dust: copy(seed.dust),
    };
  };
  return () => Object.assign(store, original);
}
