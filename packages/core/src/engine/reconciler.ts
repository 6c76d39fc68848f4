import type { OrderIntent } from '../domain/order-intent';
import { defaultTradingConfig } from '../domain/trading-config';
import { TrdError } from '../errors';
import type { TradingBotEvents } from '../events';
import { forEachWithConcurrency } from './concurrency';
import { asError, claimedUsers, type EngineContext } from './engine-context';
import { completeEntry } from './entry-completion';
import { failIntent } from './intent-failure';
import { classify } from './order-placement';
import { finishMarketClose } from './position-closer';

export type ReconcileOutcome = TradingBotEvents['reconciled'][0]['outcome'];

export interface ReconcileReport {
  intents: number;
  outcomes: Partial<Record<ReconcileOutcome, number>>;
}

/**
 * Settles every unfinished intent (`pending`, `entered`) with the venue, by client order id:
 * - entry found filled → the trade and its position are recorded, and its exit pair found (or
 *   placed once) — or the position closed at market when no exit can protect it;
 * - entry or close not found for longer than `orderLookupGraceMs` → the intent fails;
 * - close found filled → the trade is closed with the intent's reason.
 * Nothing is ever sent a second time for an intent; each outcome is a 'reconciled' event.
 * Intents this process is working on right now are left alone.
 */
export async function reconcileIntents(context: EngineContext): Promise<ReconcileReport> {
  const all = (await context.store.unfinishedIntents()).filter(
    (intent) => !context.inFlight.has(intent.clientOrderId),
  );
  const claimed = await claimedUsers(
    context,
    all.map((intent) => intent.userId),
  );
  const intents = all.filter((intent) => claimed.has(intent.userId));
  const report: ReconcileReport = { intents: intents.length, outcomes: {} };
  await forEachWithConcurrency(intents, context.settings.analysisConcurrency, async (intent) => {
    context.inFlight.add(intent.clientOrderId);
    try {
      const outcome =
        intent.kind === 'entry'
          ? await reconcileEntry(context, intent)
          : await reconcileClose(context, intent);
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      context.emit('reconciled', {
        userId: intent.userId,
        clientOrderId: intent.clientOrderId,
        outcome,
        at: context.clock.now(),
      });
    } catch (error) {
      context.emit('error', {
        stage: 'reconcile',
        userId: intent.userId,
        symbol: intent.symbol,
        error: asError(error),
        at: context.clock.now(),
      });
    } finally {
      context.inFlight.delete(intent.clientOrderId);
    }
  });
  return report;
}

async function reconcileEntry(context: EngineContext, intent: OrderIntent): Promise<ReconcileOutcome> {
  const account = await context.accountFor(intent.userId);
  const found = await account.findOrder(intent.symbol, intent.clientOrderId);
  const outcome = found ? classify(found) : null;
  if (!outcome && intent.state === 'entered') {
    // We saw this entry fill: a venue that forgot it must not make us forget the position.
    throw new TrdError(
      'ORDER_NOT_FOUND',
      `entry ${intent.clientOrderId} filled but the venue no longer reports it; the position needs attention at the venue`,
    );
  }
  if (!outcome) return notFound(context, intent);
  if (outcome.kind === 'in_progress') return 'still_unknown';
  if (outcome.kind !== 'filled') {
    await failIntent(context, intent, `entry order ended ${found?.status} with nothing filled`);
    return 'failed';
  }
  const config = (await context.store.getConfig(intent.userId)) ?? defaultTradingConfig(intent.userId);
  const rules = await context.marketData.rules(intent.symbol);
  await completeEntry(context, {
    intent,
    entry: outcome.report,
    account,
    rules,
    config,
    lookUpExitFirst: true,
  });
  return 'recorded';
}

async function reconcileClose(context: EngineContext, intent: OrderIntent): Promise<ReconcileOutcome> {
  const trade = await context.store.getTrade(intent.userId, intent.tradeId);
  if (!trade)
    throw new TrdError(
      'STORE',
      `close intent ${intent.clientOrderId} is for unknown trade ${intent.tradeId}`,
    );
  if (trade.status === 'closed') {
    // Crashed after recording the close but before completing the intent.
    await context.store.updateIntent(intent.clientOrderId, { state: 'done', updatedAt: context.clock.now() });
    return 'closed';
  }
  const account = await context.accountFor(intent.userId);
  const found = await account.findOrder(intent.symbol, intent.clientOrderId);
  const outcome = found ? classify(found) : null;
  if (!outcome) return notFound(context, intent);
  if (outcome.kind === 'in_progress') return 'still_unknown';
  if (outcome.kind !== 'filled') {
    await failIntent(context, intent, `close order ended ${found?.status} with nothing filled`);
    return 'failed';
  }
  const rules = await context.marketData.rules(intent.symbol);
  await finishMarketClose(context, { trade, rules, intent, fill: outcome.report, account });
  return 'closed';
}

/** Venues can hide a new order for a while: "not found" counts only after the grace period. */
async function notFound(context: EngineContext, intent: OrderIntent): Promise<ReconcileOutcome> {
  if (context.clock.now() - intent.createdAt < context.settings.orderLookupGraceMs) return 'still_unknown';
  await failIntent(
    context,
    intent,
    `order ${intent.clientOrderId} not found at the venue after ${context.settings.orderLookupGraceMs} ms`,
  );
  return 'failed';
}
