import type { Trade } from '../domain/trade';

/** A closed trade for the statistics' tests: only the fields statistics read matter. */
export function closedTrade(
  id: string,
  profitLoss: string,
  times: { openedAt: number; closedAt: number },
  extra: Partial<Trade> = {},
): Trade {
  return {
    id,
    userId: 'u',
    symbol: 'BTCUSDT',
    side: 'buy',
    status: 'closed',
    quantity: '0.001',
    entryPrice: '100',
    entryFee: '0.1',
    takeProfit: '100.3',
    stopLoss: '99.5',
    confidence: 70,
    clientOrderId: `c-${id}`,
    exitFee: '0.1',
    exitReason: 'TAKE_PROFIT',
    profitLoss,
    ...times,
    ...extra,
  };
}
