import { dec, toDecimalString } from '../decimal';
import type { ExitReason } from '../domain/exit-reason';
import type { MarketRules } from '../domain/market-rules';
import type { Trade } from '../domain/trade';
import { feesInQuote } from '../exchange/order-rules';
import type { TradeExit } from '../ports/store';
import type { OrderReport } from '../ports/trading-account';

/** Decimal places kept in the P&L percentage. */
const PERCENT_PLACES = 6;

/**
 * The exit of a trade from the order that closed it. Net P&L in quote units:
 * (exit − entry) × closed quantity for a long (mirrored for a short) minus the entry fee and the
 * exit fee, both in quote units. The percentage is of the entry value (entry price × quantity).
 */
export function computeTradeExit(input: {
  trade: Trade;
  rules: MarketRules;
  fill: OrderReport;
  reason: ExitReason;
  closedAt: number;
}): TradeExit {
  const { trade, rules, fill, reason } = input;
  const exitPrice = dec(fill.averagePrice);
  const quantity = dec(fill.executedQuantity);
  const entryPrice = dec(trade.entryPrice);
  const perUnit = trade.side === 'buy' ? exitPrice.minus(entryPrice) : entryPrice.minus(exitPrice);
  const exitFee = feesInQuote(rules, fill.fees, fill.averagePrice);
  const net = perUnit.mul(quantity).minus(trade.entryFee).minus(exitFee);
  const entryValue = entryPrice.mul(trade.quantity);
  const percent = entryValue.gt(0) ? net.div(entryValue).mul(100).toDecimalPlaces(PERCENT_PLACES) : dec(0);
  const closedAt = Math.max(input.closedAt, trade.openedAt);
  return {
    tradeId: trade.id,
    exitPrice: toDecimalString(exitPrice),
    exitFee,
    exitReason: reason,
    profitLoss: toDecimalString(net),
    profitLossPercent: toDecimalString(percent),
    closedAt,
    durationSeconds: Math.floor((closedAt - trade.openedAt) / 1000),
  };
}

/** When the fill happened: the venue's time if it is plausible, else now. */
export function fillTime(fill: OrderReport, openedAt: number, now: number): number {
  return fill.updatedAt >= openedAt && fill.updatedAt <= now ? fill.updatedAt : now;
}
