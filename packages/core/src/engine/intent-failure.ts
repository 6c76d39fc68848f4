import type { OrderIntent } from '../domain/order-intent';
import { TrdError } from '../errors';
import type { EngineContext } from './engine-context';

/**
 * Marks an intent failed; a failed entry is also kept as a `failed` trade (no position) so the
 * user's history shows the attempt. Daily counts ignore failed trades.
 */
export async function failIntent(context: EngineContext, intent: OrderIntent, error: string): Promise<void> {
  const now = context.clock.now();
  await context.store.updateIntent(intent.clientOrderId, { state: 'failed', error, updatedAt: now });
  if (intent.kind !== 'entry') return;
  try {
    await context.store.recordFailedTrade({
      id: intent.tradeId,
      userId: intent.userId,
      symbol: intent.symbol,
      side: intent.side,
      status: 'failed',
      quantity: intent.quantity,
      entryPrice: '0',
      entryFee: '0',
      takeProfit: '0',
      stopLoss: '0',
      confidence: intent.confidence ?? 0,
      clientOrderId: intent.clientOrderId,
      openedAt: intent.createdAt,
    });
  } catch (error) {
    if (!(TrdError.isInstance(error) && error.code === 'CONFLICT')) throw error;
  }
}
