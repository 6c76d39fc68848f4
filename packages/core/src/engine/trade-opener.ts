import type { DecimalString } from '../decimal';
import type { AnalysisRecord } from '../domain/analysis-record';
import type { MarketRules } from '../domain/market-rules';
import type { OrderIntent } from '../domain/order-intent';
import type { DustHolding } from '../domain/portfolio';
import type { Signal, TradeSide } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import type { ExitDistances } from '../exchange/exit-plan';
import type { TradingAccount } from '../ports/trading-account';
import { entryClientOrderId, tradeIdForEntry } from './client-order-ids';
import type { EngineContext } from './engine-context';
import { completeEntry, type OpenedTrade } from './entry-completion';
import { failIntent } from './intent-failure';
import { placeMarketOrderOnce } from './order-placement';

/**
 * Opens a trade, crash-safe: the intent is journalled under a deterministic client order id
 * BEFORE the market order is sent; an unknown outcome is looked up, never re-sent, and left
 * `pending` for reconciliation when still unknown; a fill is recorded as a position at once and
 * then protected by its exit pair (see `completeEntry`).
 * Returns null when no position was opened (the reason is in an 'error' event or the journal).
 */
export async function openTrade(
  context: EngineContext,
  input: {
    config: TradingConfig;
    signal: Signal & { action: TradeSide };
    quantity: DecimalString;
    /** The exit distances the entry was sized with (kept on the intent for the exit). */
    distances: ExitDistances;
    account: TradingAccount;
    rules: MarketRules;
    cycleTime: number;
    /** The analysis record that approved the entry: written with the journal entry. */
    approval?: AnalysisRecord;
    /** The cycle's last price of the symbol, for the venue adapter's pre-send checks. */
    lastPrice?: DecimalString;
    /** The user's dust, when the caller has read it already (else the exit reads the portfolio). */
    dust?: readonly DustHolding[];
  },
): Promise<OpenedTrade | null> {
  const { config, signal, account, rules } = input;
  const { store, clock } = context;
  const clientOrderId = entryClientOrderId(config.userId, input.cycleTime);
  const now = clock.now();
  const intent: OrderIntent = {
    clientOrderId,
    userId: config.userId,
    kind: 'entry',
    symbol: config.symbol,
    side: signal.action,
    quantity: input.quantity,
    tradeId: tradeIdForEntry(clientOrderId),
    state: 'pending',
    confidence: signal.confidence,
    takeProfitPercent: input.distances.takeProfitPercent,
    stopLossPercent: input.distances.stopLossPercent,
    createdAt: now,
    updatedAt: now,
  };
  context.inFlight.add(clientOrderId);
  try {
    await store.journalIntent(intent, input.approval ? { analysis: input.approval } : undefined);
    const outcome = await placeMarketOrderOnce(account, {
      symbol: intent.symbol,
      side: intent.side,
      quantity: intent.quantity,
      clientOrderId,
      // Journalled just now and never re-sent: the adapter need not look for it first.
      firstSend: true,
      ...(input.lastPrice ? { lastPrice: input.lastPrice } : {}),
    });
    switch (outcome.kind) {
      case 'filled':
        return await completeEntry(context, {
          intent,
          entry: outcome.report,
          account,
          rules,
          config,
          ...(input.dust ? { dust: input.dust } : {}),
        });
      case 'refused':
      case 'not_sent':
        await failIntent(context, intent, outcome.error.message);
        throw outcome.error;
      case 'dead':
        await failIntent(context, intent, `entry order ended ${outcome.report.status} with nothing filled`);
        throw new Error(`entry ${clientOrderId} ended ${outcome.report.status} with nothing filled`);
      case 'in_progress':
      case 'unknown':
        // Left `pending`: reconciliation asks the venue again, and never sends a second order.
        throw new Error(
          `entry ${clientOrderId} outcome is not known yet; left pending for reconciliation${
            outcome.kind === 'unknown' ? `: ${outcome.error.message}` : ''
          }`,
          outcome.kind === 'unknown' ? { cause: outcome.error } : undefined,
        );
    }
  } finally {
    context.inFlight.delete(clientOrderId);
  }
}
