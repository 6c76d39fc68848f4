import { dec, toDecimalString } from '../decimal';
import { type ExitReason, exitReasonSchema, type MarketCloseReason } from '../domain/exit-reason';
import type { MarketRules } from '../domain/market-rules';
import type { OpenPosition } from '../domain/open-position';
import type { OrderIntent } from '../domain/order-intent';
import type { Trade } from '../domain/trade';
import { ConflictError, NotFoundError, OrderNotFoundError, TrdError } from '../errors';
import type { ExitReport, OrderReport, TradingAccount } from '../ports/trading-account';
import { closeClientOrderId, exitClientOrderId } from './client-order-ids';
import type { EngineContext } from './engine-context';
import { oppositeSide } from './exit-prices';
import { classify, placeMarketOrderOnce } from './order-placement';
import { computeTradeExit, fillTime } from './profit-and-loss';

/** Decimal places of a combined fill's average price (the P&L uses the exact values). */
const AVERAGE_PRICE_PLACES = 12;

/** Close attempts per trade before the engine stops trying new close orders. */
const MAX_CLOSE_ATTEMPTS = 10;

/** Records a trade closed by its exit pair: TAKE_PROFIT or STOP_LOSS from the leg that filled. */
export async function closeFromExitFill(
  context: EngineContext,
  trade: Trade,
  exit: ExitReport,
): Promise<Trade> {
  if (!exit.fill)
    throw new TrdError('STORE', `exit ${exit.exitRef} of trade ${trade.id} is filled but reports no fill`);
  const reason: ExitReason = exit.leg === 'take_profit' ? 'TAKE_PROFIT' : 'STOP_LOSS';
  const rules = await context.marketData.rules(trade.symbol);
  return recordClose(context, { trade, rules, fill: exit.fill, reason });
}

/**
 * Closes a position at market (TIMEOUT, MANUAL, or an unprotected position the engine closes): any
 * earlier close order is resolved first, the exit pair (if one exists, found by its client id when
 * the position is unprotected) is cancelled — if it turns out to have filled, the trade closes as
 * TP/SL instead — a close intent is journalled, and one market order is sent. Returns the closed
 * trade. After an earlier close failed, the reason of the first attempt is kept.
 * @throws NotFoundError when the trade is not this user's open trade; ConflictError when this
 * process is already closing it; the order's error when the close could not be completed.
 */
export async function closeAtMarket(
  context: EngineContext,
  position: OpenPosition,
  requestedReason: MarketCloseReason,
  note?: string,
): Promise<Trade> {
  if (context.closing.has(position.tradeId))
    throw new ConflictError(`trade ${position.tradeId} is already being closed`);
  context.closing.add(position.tradeId);
  try {
    const trade = await context.store.getTrade(position.userId, position.tradeId);
    if (trade?.status !== 'filled')
      throw new NotFoundError(`trade ${position.tradeId} is not an open trade of this user`);
    const account = await context.accountFor(trade.userId);
    const rules = await context.marketData.rules(trade.symbol);
    const { clientOrderId, earlier, firstReason } = await nextCloseIntent(context, trade);
    const reason = firstReason ?? requestedReason;

    if (earlier) {
      // A close order was journalled before (crash or lost response): find it, never send another.
      const found = await account.findOrder(trade.symbol, clientOrderId);
      const outcome = found ? classify(found) : null;
      if (outcome?.kind === 'filled')
        return await finishMarketClose(context, {
          trade,
          rules,
          account,
          intent: earlier,
          fill: outcome.report,
          note,
        });
      throw new TrdError(
        'ORDER_STATUS_UNKNOWN',
        `an earlier close order ${clientOrderId} of trade ${trade.id} is still unresolved`,
      );
    }

    const exitRef =
      position.exitRef ??
      (await account.findExit(trade.symbol, exitClientOrderId(trade.clientOrderId)))?.exitRef;
    let partial: OrderReport | undefined;
    if (exitRef !== undefined) {
      const cancelled = await cancelExitIfKnown(account, trade.symbol, exitRef);
      if (cancelled?.state === 'filled') return await closeFromExitFill(context, trade, cancelled);
      // A leg that filled in part before the cancel (a triggered stop-limit): sell only the rest.
      partial = partialExitFill(cancelled);
    }
    const quantity = dec(position.quantity).minus(partial?.executedQuantity ?? 0);
    if (partial && quantity.lte(0))
      return await recordClose(context, { trade, rules, fill: partial, reason, note });
    if (position.protection === 'protected') {
      // From here nothing protects the coins until the close fills: the store says so.
      await context.store.updatePositionExit(trade.id, {
        protection: 'unprotected',
        since: context.clock.now(),
      });
      context.emit('position:unprotected', {
        userId: trade.userId,
        tradeId: trade.id,
        reason: `closing at market (${reason})`,
        at: context.clock.now(),
      });
    }

    const now = context.clock.now();
    const intent: OrderIntent = {
      clientOrderId,
      userId: trade.userId,
      kind: 'close',
      symbol: trade.symbol,
      side: oppositeSide(trade.side),
      quantity: toDecimalString(quantity),
      tradeId: trade.id,
      state: 'pending',
      reason,
      createdAt: now,
      updatedAt: now,
    };
    context.inFlight.add(clientOrderId);
    try {
      await context.store.journalIntent(intent);
      const outcome = await placeMarketOrderOnce(account, {
        symbol: intent.symbol,
        side: intent.side,
        quantity: intent.quantity,
        clientOrderId,
        // Every send is journalled first and the journal refuses a known id: never sent before.
        firstSend: true,
      });
      if (outcome.kind === 'filled')
        return await finishMarketClose(context, {
          trade,
          rules,
          intent,
          fill: outcome.report,
          note,
          account,
          partial: partial ?? null,
        });
      if (outcome.kind === 'refused' || outcome.kind === 'not_sent' || outcome.kind === 'dead') {
        const message =
          outcome.kind === 'dead' ? `close order ended ${outcome.report.status}` : outcome.error.message;
        await context.store.updateIntent(clientOrderId, {
          state: 'failed',
          error: message,
          updatedAt: context.clock.now(),
        });
        throw new TrdError(
          'ORDER_REJECTED',
          `close of trade ${trade.id} failed and its exit is cancelled: the position is unprotected until the monitor retries (${message})`,
          outcome.kind === 'dead' ? {} : { cause: outcome.error },
        );
      }
      throw new TrdError(
        'ORDER_STATUS_UNKNOWN',
        `close order ${clientOrderId} of trade ${trade.id} has no known outcome yet; left pending for reconciliation`,
        outcome.kind === 'unknown' ? { cause: outcome.error } : {},
      );
    } finally {
      context.inFlight.delete(clientOrderId);
    }
  } finally {
    context.closing.delete(position.tradeId);
  }
}

/** The fill of an exit that ended (or works) with part of it done, if any. */
function partialExitFill(report: ExitReport | null | undefined): OrderReport | undefined {
  if (!report || report.state === 'filled' || !report.fill) return undefined;
  return dec(report.fill.executedQuantity).gt(0) ? report.fill : undefined;
}

/** Two fills of one close as one: quantities, values and fees added, the average price from them. */
function combineFills(first: OrderReport, second: OrderReport): OrderReport {
  const quantity = dec(first.executedQuantity).plus(second.executedQuantity);
  const value = dec(first.quoteQuantity).plus(second.quoteQuantity);
  return {
    ...second,
    executedQuantity: toDecimalString(quantity),
    quoteQuantity: toDecimalString(value),
    averagePrice: toDecimalString(value.div(quantity).toDecimalPlaces(AVERAGE_PRICE_PLACES)),
    fees: [...first.fees, ...second.fees],
  };
}

/** Cancels an exit; `null` when the venue no longer knows it (nothing left to cancel). */
async function cancelExitIfKnown(
  account: TradingAccount,
  symbol: string,
  exitRef: string,
): Promise<ExitReport | null> {
  try {
    return await account.cancelExit({ symbol, exitRef });
  } catch (error) {
    if (
      error instanceof OrderNotFoundError ||
      (TrdError.isInstance(error) && error.code === 'ORDER_NOT_FOUND')
    )
      return null;
    throw error;
  }
}

/**
 * Records a market close order's fill and completes its intent. A part of the exit that filled
 * before it was cancelled counts with the close (given, or looked up when recovering).
 */
export async function finishMarketClose(
  context: EngineContext,
  input: {
    trade: Trade;
    rules: MarketRules;
    intent: OrderIntent;
    fill: OrderReport;
    note?: string;
    account: TradingAccount;
    /** The exit's partial fill, `null` when known to be none; looked up when not given. */
    partial?: OrderReport | null;
  },
): Promise<Trade> {
  const parsed = exitReasonSchema.safeParse(input.intent.reason);
  const partial =
    input.partial === undefined
      ? partialExitFill(
          (await input.account.findExit(input.trade.symbol, exitClientOrderId(input.trade.clientOrderId))) ??
            undefined,
        )
      : (input.partial ?? undefined);
  const closed = await recordClose(context, {
    trade: input.trade,
    rules: input.rules,
    fill: partial ? combineFills(partial, input.fill) : input.fill,
    reason: parsed.success ? parsed.data : 'MANUAL',
    note: input.note,
  });
  await context.store.updateIntent(input.intent.clientOrderId, {
    state: 'done',
    updatedAt: context.clock.now(),
  });
  return closed;
}

async function recordClose(
  context: EngineContext,
  input: { trade: Trade; rules: MarketRules; fill: OrderReport; reason: ExitReason; note?: string },
): Promise<Trade> {
  const now = context.clock.now();
  const portfolio = await context.store.getPortfolio(input.trade.userId);
  const dustBefore = (portfolio.dust ?? []).find((holding) => holding.symbol === input.trade.symbol);
  const exit = computeTradeExit({
    ...input,
    dustBefore,
    closedAt: fillTime(input.fill, input.trade.openedAt, now),
  });
  try {
    const closed = await context.store.recordClosedTrade(exit);
    context.emit('trade:closed', { userId: closed.userId, trade: closed, at: now });
    return closed;
  } catch (error) {
    // Another engine process recorded this close first: the trade is closed exactly once.
    if (TrdError.isInstance(error) && error.code === 'CONFLICT') {
      const current = await context.store.getTrade(input.trade.userId, input.trade.id);
      if (current?.status === 'closed') return current;
    }
    throw error;
  }
}

/**
 * The close intent to use: the first attempt not yet failed; `earlier` when it was journalled
 * before; `firstReason` the reason of the first attempt when one failed before.
 */
async function nextCloseIntent(
  context: EngineContext,
  trade: Trade,
): Promise<{ clientOrderId: string; earlier: OrderIntent | null; firstReason?: MarketCloseReason }> {
  let firstReason: MarketCloseReason | undefined;
  for (let attempt = 1; attempt <= MAX_CLOSE_ATTEMPTS; attempt++) {
    const clientOrderId = closeClientOrderId(trade.clientOrderId, attempt);
    const intent = await context.store.getIntent(clientOrderId);
    if (!intent) return { clientOrderId, earlier: null, firstReason };
    if (intent.state !== 'failed') return { clientOrderId, earlier: intent, firstReason };
    const parsed = exitReasonSchema.safeParse(intent.reason);
    if (attempt === 1 && parsed.success && parsed.data !== 'TAKE_PROFIT' && parsed.data !== 'STOP_LOSS')
      firstReason = parsed.data;
  }
  throw new TrdError(
    'ORDER_REJECTED',
    `trade ${trade.id}: ${MAX_CLOSE_ATTEMPTS} close orders failed; close it by hand at the venue`,
  );
}
