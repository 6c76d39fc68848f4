import { type Decimal, dec, toDecimalString, toMoneyString } from '../decimal';
import type { ExitReason } from '../domain/exit-reason';
import type { MarketRules } from '../domain/market-rules';
import type { DustHolding } from '../domain/portfolio';
import type { Trade } from '../domain/trade';
import { feesInQuote } from '../exchange/order-rules';
import type { TradeExit } from '../ports/store';
import type { OrderReport } from '../ports/trading-account';

/** Decimal places kept in the P&L percentage. */
const PERCENT_PLACES = 6;
/** Decimal places kept in a dust holding's (informational) average cost. */
const DUST_COST_PLACES = 12;

/** What one fill moved through the account, signed (+ in, − out), fees included. */
export interface FillFlows {
  /** Quote asset: paid for a buy (with quote fees), received for a sell (net of them). */
  quote: Decimal;
  /** Base asset: received for a buy (net of a base fee), given for a sell. */
  base: Decimal;
  /** Fees in a third asset (e.g. BNB), counted at face value as quote by the P&L. */
  otherFees: Decimal;
}

export function fillFlows(
  rules: MarketRules,
  fill: Pick<OrderReport, 'side' | 'executedQuantity' | 'quoteQuantity' | 'fees'>,
): FillFlows {
  let quoteFees = dec(0);
  let baseFees = dec(0);
  let otherFees = dec(0);
  for (const fee of fill.fees) {
    if (fee.asset === rules.baseAsset) baseFees = baseFees.plus(fee.amount);
    else if (fee.asset === rules.quoteAsset) quoteFees = quoteFees.plus(fee.amount);
    else otherFees = otherFees.plus(fee.amount);
  }
  const quantity = dec(fill.executedQuantity);
  const value = dec(fill.quoteQuantity);
  return fill.side === 'buy'
    ? { quote: value.plus(quoteFees).neg(), base: quantity.minus(baseFees), otherFees }
    : { quote: value.minus(quoteFees), base: quantity.plus(baseFees).neg(), otherFees };
}

/**
 * The entry's flows as the trade keeps them. Trades recorded before they were kept fall back on
 * price × quantity with the fee where a spot venue takes it (the base on a buy, the quote on a sell).
 */
function entryFlows(trade: Trade): { quote: Decimal; base: Decimal } {
  const value = dec(trade.entryPrice).mul(trade.quantity);
  if (trade.side === 'buy') {
    const base =
      trade.entryNetQuantity ?? dec(trade.quantity).minus(dec(trade.entryFee).div(trade.entryPrice));
    return { quote: dec(trade.entryQuoteAmount ?? value).neg(), base: dec(base) };
  }
  return {
    quote: dec(trade.entryQuoteAmount ?? value.minus(trade.entryFee)),
    base: dec(trade.entryNetQuantity ?? trade.quantity).neg(),
  };
}

/**
 * The exit of a trade from the order that closed it. Realized P&L is cash, quote units: what the
 * exit brought in minus what the entry cost, every fee included. So a long that leaves dust behind
 * (the exit sells a step less than a base-fee-net fill) is charged that dust's cost, and an exit
 * that sweeps earlier dust counts its proceeds: start balance + Σ P&L = the venue's quote balance.
 * A short (sell entry, buy-back exit) that ends with less base than it sold (a base fee on the
 * buy-back) is charged the shortfall at the exit price. The dust held after the close is returned
 * for the portfolio; its cost is the average cost of the entries it came from.
 */
export function computeTradeExit(input: {
  trade: Trade;
  rules: MarketRules;
  fill: OrderReport;
  reason: ExitReason;
  note?: string;
  closedAt: number;
  /** The user's dust of this symbol before the close. */
  dustBefore?: DustHolding;
}): TradeExit {
  const { trade, rules, fill, reason } = input;
  const entry = entryFlows(trade);
  const exit = fillFlows(rules, fill);
  const exitPrice = dec(fill.averagePrice);
  let net = entry.quote.plus(exit.quote).minus(exit.otherFees);
  const baseLeft = entry.base.plus(exit.base);
  const before = input.dustBefore;
  let dustQuantity = dec(before?.quantity ?? 0);
  let dustCost = dec(before?.cost ?? 0);
  if (trade.side === 'buy') {
    const after = atLeastZero(dustQuantity.plus(baseLeft));
    if (baseLeft.gte(0)) {
      const unitCost = entry.base.gt(0) ? entry.quote.neg().div(entry.base) : dec(0);
      dustCost = dustCost.plus(baseLeft.mul(unitCost));
    } else {
      dustCost = dustQuantity.gt(0) ? dustCost.mul(after).div(dustQuantity) : dec(0);
    }
    dustQuantity = after;
  } else if (baseLeft.lt(0)) {
    net = net.plus(baseLeft.mul(exitPrice));
  }
  const entryValue = dec(trade.entryPrice).mul(trade.quantity);
  const percent = entryValue.gt(0) ? net.div(entryValue).mul(100).toDecimalPlaces(PERCENT_PLACES) : dec(0);
  const closedAt = Math.max(input.closedAt, trade.openedAt);
  return {
    tradeId: trade.id,
    exitPrice: toMoneyString(exitPrice),
    exitFee: feesInQuote(rules, fill.fees, fill.averagePrice),
    exitReason: reason,
    ...(input.note ? { exitNote: input.note } : {}),
    exitQuantity: toDecimalString(fill.executedQuantity),
    dust: {
      symbol: trade.symbol,
      asset: rules.baseAsset,
      quantity: toDecimalString(dustQuantity),
      cost: toDecimalString(dustQuantity.isZero() ? 0 : dustCost.toDecimalPlaces(DUST_COST_PLACES)),
    },
    // Exact but for a product of a leftover and the exit price, which can pass a store's places.
    profitLoss: toMoneyString(net),
    profitLossPercent: toDecimalString(percent),
    closedAt,
    durationSeconds: Math.floor((closedAt - trade.openedAt) / 1000),
  };
}

function atLeastZero(value: Decimal): Decimal {
  return value.isNegative() ? dec(0) : value;
}

/** When the fill happened: the venue's time if it is plausible, else now. */
export function fillTime(fill: OrderReport, openedAt: number, now: number): number {
  return fill.updatedAt >= openedAt && fill.updatedAt <= now ? fill.updatedAt : now;
}
