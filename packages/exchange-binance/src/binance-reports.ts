import {
  Decimal,
  dec,
  type ExitReport,
  type Fee,
  type OrderReport,
  type OrderStatus,
  toDecimalString,
} from '@trd/core';

/** An order as Binance returns it (POST/GET/DELETE order, or one of an order list's `orderReports`). */
export interface BinanceOrder {
  symbol: string;
  orderId: number;
  orderListId?: number;
  clientOrderId: string;
  origClientOrderId?: string;
  price?: string;
  origQty?: string;
  executedQty?: string;
  cummulativeQuoteQty?: string;
  status?: string;
  type?: string;
  side?: string;
  stopPrice?: string;
  time?: number;
  updateTime?: number;
  transactTime?: number;
  /** GET order only: whether the order has started working on the book (a stop: once triggered). */
  isWorking?: boolean;
  /** When the order started working on the book, Unix ms; -1 for a stop not triggered yet. */
  workingTime?: number;
  fills?: { price: string; qty: string; commission: string; commissionAsset: string }[];
}

export interface BinanceTrade {
  orderId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
}

export interface BinanceOrderList {
  orderListId: number;
  contingencyType: string;
  listStatusType: string;
  listOrderStatus: string;
  listClientOrderId: string;
  transactionTime: number;
  symbol: string;
  orders: { symbol: string; orderId: number; clientOrderId: string }[];
  orderReports?: BinanceOrder[];
}

const STATUSES: Record<string, OrderStatus> = {
  NEW: 'new',
  PENDING_NEW: 'new',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'cancelled',
  PENDING_CANCEL: 'cancelled',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
};

/** Sums commissions per asset, in the order the assets first appear. */
export function sumFees(entries: readonly { commission: string; commissionAsset: string }[]): Fee[] {
  const totals = new Map<string, Decimal>();
  for (const entry of entries) {
    totals.set(entry.commissionAsset, (totals.get(entry.commissionAsset) ?? dec(0)).plus(entry.commission));
  }
  return [...totals]
    .filter(([, amount]) => !amount.isZero())
    .map(([asset, amount]) => ({ asset, amount: toDecimalString(amount) }));
}

/**
 * Builds core's `OrderReport` with exact decimals. Fees come from the FULL response's `fills`, or
 * from `trades` (GET myTrades) when the order was looked up; the average price is the filled
 * value over the filled quantity.
 */
export function toOrderReport(order: BinanceOrder, trades?: readonly BinanceTrade[]): OrderReport {
  const executed = dec(order.executedQty ?? '0');
  const quote = dec(order.cummulativeQuoteQty ?? '0');
  const average = executed.isZero()
    ? dec(0)
    : quote.div(executed).toDecimalPlaces(12, Decimal.ROUND_HALF_EVEN);
  const feeSource = order.fills ?? trades ?? [];
  return {
    orderId: String(order.orderId),
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side === 'SELL' ? 'sell' : 'buy',
    status: STATUSES[order.status ?? ''] ?? 'new',
    executedQuantity: toDecimalString(executed),
    averagePrice: toDecimalString(average),
    quoteQuantity: toDecimalString(quote),
    fees: sumFees(feeSource),
    updatedAt: order.updateTime ?? order.transactTime ?? order.time ?? 0,
    raw: order,
  };
}

/** Which exit leg an order is: the limit that takes profit, or the stop. */
export function legOf(order: BinanceOrder): 'take_profit' | 'stop_loss' {
  return order.type?.startsWith('STOP_LOSS') ? 'stop_loss' : 'take_profit';
}

const WORKING = new Set(['NEW', 'PENDING_NEW', 'PARTIALLY_FILLED']);

/**
 * The leg still working after the pair's one-cancels-other is spent, if any: a stop-limit
 * triggered in a gap past its limit rests on the book as a limit order (spot_glossary.md,
 * `STOP_LOSS_LIMIT`: "once the market price hits the stopPrice, a LIMIT order is placed on the
 * order book"), and its sibling is expired for it (user-data-stream.md, expiry reason
 * `OCO_TRIGGER`: "the other order of the pair started working"). The list then reads `ALL_DONE`
 * ("no longer active", enums.md); should it still read `EXECUTING`, the legs tell it the same way.
 */
function triggeredLeg(list: BinanceOrderList, legs: readonly BinanceOrder[]): BinanceOrder | undefined {
  const working = workingLegs(legs);
  if (working.length === 0) return undefined;
  if (list.listOrderStatus !== 'EXECUTING') return working[0];
  const [alone] = working;
  const siblingsDone = working.length === 1 && legs.length > 1;
  const stopStarted = alone?.isWorking === true || (alone?.workingTime ?? -1) > 0;
  return alone && siblingsDone && legOf(alone) === 'stop_loss' && stopStarted ? alone : undefined;
}

/**
 * The exit pair's state from its legs: `filled` when a leg filled (the other expires);
 * `triggered` when the pair is spent but a leg still works unfilled (a stop-limit triggered in a
 * gap past its limit: nothing protects the position any more), with any partial fill; `open`
 * while both legs wait; `cancelled` when nothing works and nothing filled. A leg that filled in
 * part and then stopped is `filled` with its partial quantity.
 */
export function toExitReport(
  list: BinanceOrderList,
  legs: readonly BinanceOrder[],
  fillTrades?: readonly BinanceTrade[],
): ExitReport {
  const base = {
    exitRef: String(list.orderListId),
    clientOrderId: list.listClientOrderId,
    symbol: list.symbol,
    raw: list,
  };
  const executedLeg = legs.find((leg) => dec(leg.executedQty ?? '0').gt(0));
  const fill = executedLeg && { leg: legOf(executedLeg), fill: toOrderReport(executedLeg, fillTrades) };
  if (executedLeg?.status === 'FILLED') return { ...base, state: 'filled', ...fill };
  const triggered = triggeredLeg(list, legs);
  if (triggered) return { ...base, state: 'triggered', ...fill, leg: legOf(triggered) };
  if (list.listOrderStatus === 'EXECUTING') return { ...base, state: 'open' };
  return fill ? { ...base, state: 'filled', ...fill } : { ...base, state: 'cancelled' };
}

/** Legs still working at the venue (to cancel one by one once their list is done). */
export function workingLegs(legs: readonly BinanceOrder[]): BinanceOrder[] {
  return legs.filter((leg) => WORKING.has(leg.status ?? ''));
}
