import type { MarketCloseReason } from '../domain/exit-reason';
import type { MarketRules } from '../domain/market-rules';
import type { OpenPosition } from '../domain/open-position';
import type { Trade } from '../domain/trade';
import { TrdError } from '../errors';
import { stopLimitPrice } from '../exchange/exit-plan';
import { checkExit } from '../exchange/order-rules';
import type { ExitReport, TradingAccount } from '../ports/trading-account';
import { exitClientOrderId } from './client-order-ids';
import { asError, type EngineContext } from './engine-context';
import { oppositeSide } from './exit-prices';
import { closeAtMarket, closeFromExitFill } from './position-closer';

/** The venue refused the exit for good: placing the same exit again cannot work. */
const DEFINITIVE_REFUSALS = new Set(['ORDER_REJECTED', 'INSUFFICIENT_FUNDS', 'INVALID_ORDER']);

/** Monitor passes a position may stay unprotected while the venue's answers are unknown. */
export const UNPROTECTED_PASSES = 2;

export type ProtectionOutcome =
  | { kind: 'protected'; position: OpenPosition }
  | { kind: 'closed'; trade: Trade; position?: undefined }
  /** Still unprotected (the venue could not be reached): the next monitor pass tries again. */
  | { kind: 'unprotected'; position: OpenPosition; error: Error };

/**
 * Protects an unprotected position, or closes it: the one home of the rule "no naked position".
 * The exit pair is looked up by its deterministic client id (when it may exist), re-computed from
 * the trade's levels and checked against the venue's rules and the current price, and placed.
 * When it cannot be placed (a level is already passed, a leg is under the minimum, the venue
 * refuses, or the venue's answers stay unknown for `UNPROTECTED_PASSES` monitor passes) the
 * position is closed at market at once (EXIT_UNPLACEABLE). A found exit that is done settles the
 * trade (filled → TP/SL; cancelled → EXIT_CANCELLED; stop triggered unfilled → STOP_UNFILLED).
 */
export async function protectPosition(
  context: EngineContext,
  input: {
    trade: Trade;
    position: OpenPosition;
    account: TradingAccount;
    rules: MarketRules;
    lookUpFirst: boolean;
    /** Called once before the position is closed or settled (the entry announces itself first). */
    beforeClose?: () => void;
  },
): Promise<ProtectionOutcome> {
  const { trade, position, account, rules } = input;
  const close = (reason: MarketCloseReason, note: string, at: OpenPosition = position) => {
    input.beforeClose?.();
    return closeUnprotected(context, at, reason, note);
  };
  const exitId = exitClientOrderId(trade.clientOrderId);
  try {
    if (input.lookUpFirst) {
      const found = await account.findExit(trade.symbol, exitId);
      if (found)
        return await settleFoundExit(context, {
          trade,
          position,
          found,
          close,
          beforeClose: input.beforeClose,
        });
    }
    const exit = {
      side: oppositeSide(trade.side),
      quantity: position.quantity,
      takeProfit: trade.takeProfit,
      stopLoss: trade.stopLoss,
      stopLimit: stopLimitPrice(
        rules,
        trade.side,
        trade.stopLoss,
        context.riskManager.limits.stopLimitOffsetPercent,
      ),
    };
    // The venue refuses a pair the last price is not between: checked here, and handed to the
    // adapter so it need not read the ticker again.
    const lastPrice = await currentPrice(context, trade.symbol);
    const failures = checkExit(rules, { ...exit, ...(lastPrice ? { lastPrice } : {}) });
    if (failures.length > 0) {
      const note = `exit not placed: ${failures.map((f) => `${f.filter}: ${f.message}`).join('; ')}`;
      return await close('EXIT_UNPLACEABLE', note);
    }
    let placed: ExitReport;
    try {
      placed = await account.placeExit({
        symbol: trade.symbol,
        ...exit,
        clientOrderId: exitId,
        ...(lastPrice ? { lastPrice } : {}),
      });
    } catch (error) {
      const cause = asError(error);
      const definitive = TrdError.isInstance(error) && DEFINITIVE_REFUSALS.has(error.code);
      const passes =
        (context.clock.now() - (position.unprotectedSince ?? position.openedAt)) / context.settings.monitorMs;
      if (definitive || passes >= UNPROTECTED_PASSES) {
        const note = definitive
          ? `the venue refused the exit: ${cause.message}`
          : `the exit could not be placed for ${UNPROTECTED_PASSES} monitor passes: ${cause.message}`;
        return await close('EXIT_UNPLACEABLE', note);
      }
      throw cause;
    }
    if (placed.state !== 'open')
      return await settleFoundExit(context, {
        trade,
        position,
        found: placed,
        close,
        beforeClose: input.beforeClose,
      });
    return { kind: 'protected', position: await markProtected(context, trade, placed) };
  } catch (error) {
    const cause = asError(error);
    context.emit('error', {
      stage: 'monitor',
      userId: trade.userId,
      symbol: trade.symbol,
      error: new Error(
        `position of trade ${trade.id} is unprotected; the monitor tries again next pass: ${cause.message}`,
        { cause },
      ),
      at: context.clock.now(),
    });
    return { kind: 'unprotected', position, error: cause };
  }
}

/** An exit found at the venue (or returned done by a placement): protect with it or settle the trade. */
async function settleFoundExit(
  context: EngineContext,
  input: {
    trade: Trade;
    position: OpenPosition;
    found: ExitReport;
    close: (reason: MarketCloseReason, note: string, at?: OpenPosition) => Promise<ProtectionOutcome>;
    beforeClose?: () => void;
  },
): Promise<ProtectionOutcome> {
  const { trade, position, found, close } = input;
  switch (found.state) {
    case 'open':
      return { kind: 'protected', position: await markProtected(context, trade, found) };
    case 'filled':
      input.beforeClose?.();
      return { kind: 'closed', trade: await closeFromExitFill(context, trade, found) };
    case 'triggered':
      return close('STOP_UNFILLED', `the stop ${trade.stopLoss} triggered but its limit did not fill`, {
        ...position,
        exitRef: found.exitRef,
      });
    case 'cancelled':
      return close('EXIT_CANCELLED', `exit ${found.exitRef} was cancelled at the venue`);
  }
}

async function closeUnprotected(
  context: EngineContext,
  position: OpenPosition,
  reason: MarketCloseReason,
  note: string,
): Promise<ProtectionOutcome> {
  context.emit('position:unprotected', {
    userId: position.userId,
    tradeId: position.tradeId,
    reason: note,
    at: context.clock.now(),
  });
  return { kind: 'closed', trade: await closeAtMarket(context, position, reason, note) };
}

async function markProtected(context: EngineContext, trade: Trade, exit: ExitReport): Promise<OpenPosition> {
  const position = await context.store.updatePositionExit(trade.id, {
    protection: 'protected',
    exitRef: exit.exitRef,
    takeProfit: trade.takeProfit,
    stopLoss: trade.stopLoss,
  });
  context.emit('position:protected', {
    userId: trade.userId,
    tradeId: trade.id,
    exitRef: exit.exitRef,
    at: context.clock.now(),
  });
  return position;
}

/** The last price on the venue, or undefined when it cannot be had (the venue checks it then). */
async function currentPrice(context: EngineContext, symbol: string): Promise<string | undefined> {
  try {
    const price = await context.marketData.price(symbol);
    return Number.isFinite(price) && price > 0 ? String(price) : undefined;
  } catch {
    return undefined;
  }
}
