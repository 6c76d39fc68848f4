import { Decimal, dec, toDecimalString, toMoneyString } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import { type OpenPosition, openPositionOf } from '../domain/open-position';
import type { OrderIntent } from '../domain/order-intent';
import type { DustHolding } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import type { TradingConfig } from '../domain/trading-config';
import { TrdError } from '../errors';
import { exitOrderPrices } from '../exchange/exit-plan';
import { feesInQuote, roundOrderQuantity } from '../exchange/order-rules';
import type { OrderReport, TradingAccount } from '../ports/trading-account';
import type { EngineContext } from './engine-context';
import { protectPosition } from './position-protection';
import { fillFlows } from './profit-and-loss';

export interface OpenedTrade {
  trade: Trade;
  /** The position as it stands after the first attempt to protect it (it may be closed already). */
  position: OpenPosition;
}

/**
 * Second half of an entry, after its market order filled. The trade and its position are
 * recorded AT ONCE, unprotected (the intent becomes `open` in the same write): from here the
 * position exists for the monitor, the timeout and `closeTrade` whatever happens next. Then the
 * exit pair is placed (found first when recovering, so it is never placed twice); if that fails
 * the monitor owns the position and protects it or closes it at market.
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
    lookUpExitFirst?: boolean;
    /** The user's dust when already read (the cycle's batch read); else read from the portfolio. */
    dust?: readonly DustHolding[];
  },
): Promise<OpenedTrade> {
  const { intent, entry, account, rules, config } = input;
  const { store, clock } = context;
  const flows = fillFlows(rules, entry);
  const { takeProfit, stopLoss } = exitOrderPrices({
    rules,
    entrySide: intent.side,
    entryPrice: entry.averagePrice,
    distances: {
      takeProfitPercent: intent.takeProfitPercent ?? config.takeProfitPercent,
      stopLossPercent: intent.stopLossPercent ?? config.stopLossPercent,
    },
    stopLimitOffsetPercent: context.riskManager.limits.stopLimitOffsetPercent,
  });
  const trade: Trade = {
    id: intent.tradeId,
    userId: intent.userId,
    symbol: intent.symbol,
    side: intent.side,
    status: 'filled',
    quantity: entry.executedQuantity,
    entryPrice: toMoneyString(entry.averagePrice),
    entryFee: feesInQuote(rules, entry.fees, entry.averagePrice),
    entryQuoteAmount: toMoneyString(flows.quote.abs().plus(flows.otherFees)),
    entryNetQuantity: toDecimalString(flows.base.abs()),
    takeProfit,
    stopLoss,
    confidence: intent.confidence ?? 0,
    clientOrderId: intent.clientOrderId,
    entryOrderId: entry.orderId,
    // The entry was sent right after it was journalled: that is when the position opened.
    openedAt: intent.createdAt,
  };
  const quantity = await exitQuantity(context, {
    trade,
    rules,
    account,
    netBase: flows.base,
    ...(input.dust ? { dust: input.dust } : {}),
  });
  const position = openPositionOf(trade, { quantity, unprotectedSince: clock.now() });
  try {
    await store.recordOpenedTrade({ trade, position, intentClientOrderId: intent.clientOrderId });
  } catch (error) {
    // Another engine process recorded this fill first: its position is the one.
    if (!(TrdError.isInstance(error) && error.code === 'CONFLICT')) throw error;
    const existing = (await store.openPositions(intent.userId)).find((p) => p.tradeId === trade.id);
    const recorded = await store.getTrade(intent.userId, trade.id);
    if (!existing || !recorded) throw error;
    return { trade: recorded, position: existing };
  }
  // 'trade:opened' tells the outcome of the first protection attempt (protected, or still
  // unprotected), or comes right before the close when the position cannot be protected.
  let announced = false;
  const announce = (current: OpenPosition) => {
    if (announced) return;
    announced = true;
    const protectedTrade = current.exitRef === undefined ? trade : { ...trade, exitRef: current.exitRef };
    context.emit('trade:opened', {
      userId: trade.userId,
      trade: protectedTrade,
      position: current,
      at: clock.now(),
    });
  };
  const after = await protectPosition(context, {
    trade,
    position,
    account,
    rules,
    lookUpFirst: input.lookUpExitFirst ?? false,
    beforeClose: () => announce(position),
  });
  announce(after.position ?? position);
  return { trade, position: after.position ?? position };
}

/**
 * What the exit will sell. A long sells the base the entry added (net of a base fee) plus the
 * dust earlier trades left (as far as the account still holds it), floored to the step: dust is
 * swept out once it adds up to a step. A short buys back what it sold.
 */
async function exitQuantity(
  context: EngineContext,
  input: {
    trade: Trade;
    rules: MarketRules;
    account: TradingAccount;
    netBase: Decimal;
    dust?: readonly DustHolding[];
  },
): Promise<string> {
  const { trade, rules, account, netBase } = input;
  if (trade.side === 'sell') return trade.quantity;
  const holdings = input.dust ?? (await context.store.getPortfolio(trade.userId)).dust ?? [];
  const dust = dec(holdings.find((holding) => holding.symbol === trade.symbol)?.quantity ?? 0);
  let sweep = dec(0);
  if (dust.gt(0)) {
    try {
      const free = dec((await account.balances())[rules.baseAsset]?.free ?? 0);
      sweep = Decimal.min(dust, free.minus(netBase));
    } catch {
      // Balances unknown: sell only what this entry brought; the dust waits for the next exit.
    }
  }
  return roundOrderQuantity(rules, netBase.plus(sweep.isNegative() ? 0 : sweep));
}
