import type { MarketRules } from '../domain/market-rules';
import { type OpenPosition, openPositionOf } from '../domain/open-position';
import type { OrderIntent } from '../domain/order-intent';
import type { Trade } from '../domain/trade';
import type { TradingConfig } from '../domain/trading-config';
import { exitQuantityAfterEntry, feesInQuote } from '../exchange/order-rules';
import type { ExitReport, OrderReport, TradingAccount } from '../ports/trading-account';
import { exitClientOrderId } from './client-order-ids';
import { asError, type EngineContext } from './engine-context';
import { exitPrices, oppositeSide } from './exit-prices';

export interface OpenedTrade {
  trade: Trade;
  position: OpenPosition;
}

/**
 * Second half of an entry, after its market order filled: the intent moves to `entered`, the exit
 * pair is placed (or, when recovering, found first so it is never placed twice), then the trade
 * and its open position are recorded together. If the exit cannot be placed the intent stays
 * `entered`, an 'error' event says the position is unprotected, and the monitor retries.
 */
export async function completeEntry(
  context: EngineContext,
  input: {
    intent: OrderIntent;
    entry: OrderReport;
    account: TradingAccount;
    rules: MarketRules;
    config: Pick<TradingConfig, 'takeProfitPercent' | 'stopLossPercent'>;
    /** True when recovering: an exit may already exist at the venue. */
    lookUpExitFirst: boolean;
  },
): Promise<OpenedTrade | null> {
  const { intent, entry, account, rules, config } = input;
  const { store, clock } = context;
  if (intent.state === 'pending') {
    await store.updateIntent(intent.clientOrderId, { state: 'entered', updatedAt: clock.now() });
  }

  const exitId = exitClientOrderId(intent.clientOrderId);
  const { takeProfit, stopLoss } = exitPrices({
    rules,
    entrySide: intent.side,
    averageEntryPrice: entry.averagePrice,
    takeProfitPercent: config.takeProfitPercent,
    stopLossPercent: config.stopLossPercent,
  });
  const quantity = exitQuantityAfterEntry(rules, entry);
  let exit: ExitReport | null = null;
  try {
    if (input.lookUpExitFirst) exit = await account.findExit(intent.symbol, exitId);
    exit ??= await account.placeExit({
      symbol: intent.symbol,
      side: oppositeSide(intent.side),
      quantity,
      takeProfit,
      stopLoss,
      clientOrderId: exitId,
    });
  } catch (error) {
    const cause = asError(error);
    context.emit('error', {
      stage: 'entry',
      userId: intent.userId,
      symbol: intent.symbol,
      error: new Error(
        `entry ${intent.clientOrderId} filled but its exit could not be placed; the position is unprotected until the monitor retries: ${cause.message}`,
        { cause },
      ),
      at: clock.now(),
    });
    return null;
  }

  const trade: Trade = {
    id: intent.tradeId,
    userId: intent.userId,
    symbol: intent.symbol,
    side: intent.side,
    status: 'filled',
    quantity: entry.executedQuantity,
    entryPrice: entry.averagePrice,
    entryFee: feesInQuote(rules, entry.fees, entry.averagePrice),
    takeProfit,
    stopLoss,
    confidence: intent.confidence ?? 0,
    clientOrderId: intent.clientOrderId,
    entryOrderId: entry.orderId,
    exitRef: exit.exitRef,
    // The entry was sent right after it was journalled: that is when the position opened.
    openedAt: intent.createdAt,
  };
  const position = openPositionOf(trade, { exitRef: exit.exitRef, quantity });
  await store.recordOpenedTrade({ trade, position, intentClientOrderId: intent.clientOrderId });
  context.emit('trade:opened', { userId: trade.userId, trade, position, at: clock.now() });
  return { trade, position };
}
