import {
  type AccountCapabilities,
  assertExitFits,
  type Balances,
  type Clock,
  type DecimalString,
  dec,
  ExchangeUnavailableError,
  type ExitRef,
  type ExitReport,
  type ExitRequest,
  InvalidOrderError,
  type MarketOrderRequest,
  OrderNotFoundError,
  type OrderRejectedError,
  type OrderReport,
  OrderStatusUnknownError,
  roundOrderPrice,
  SPOT_ACCOUNT_CAPABILITIES,
  type TradingAccount,
  TrdError,
  toDecimalString,
} from '@trd/core';
import { passesAcrossAverageBand } from './average-price-band';
import { toTrdError } from './binance-errors';
import type { BinanceMarketData } from './binance-market-data';
import {
  type BinanceOrder,
  type BinanceOrderList,
  type BinanceTrade,
  toExitReport,
  toOrderReport,
  workingLegs,
} from './binance-reports';
import type { CcxtBinance } from './ccxt-client';
import { defaultStopLimit, exitOrderParams } from './exit-order-params';
import { type RetryOptions, retryRead } from './read-retry';
import type { ServerClock } from './server-clock';
import { assertExitAllowed, assertMarketOrderFits } from './symbol-rules';
import type { AccountStream } from './user-data-stream';

export interface OrderLookupOptions {
  /** Lookups by client id after a placement whose outcome is unknown, before giving up. */
  attempts?: number;
  /** Wait between those lookups, ms (orders can take a moment to become visible). */
  delayMs?: number;
}

export interface BinanceTradingAccountOptions {
  client: CcxtBinance;
  marketData: BinanceMarketData;
  clock: Clock;
  /** Signing time; measured again when Binance answers -1021. */
  serverClock: ServerClock;
  retry: RetryOptions;
  orderLookup: OrderLookupOptions;
  /** How far past the stop price the stop leg's limit goes when the request has no `stopLimit`, percent. */
  stopLimitOffsetPercent: DecimalString;
  /** `'stop-market'`: a STOP_LOSS stop leg where the symbol takes it (the exit's `stopLimit` is then ignored). */
  stopLeg: 'stop-limit' | 'stop-market';
  /** The account's user data stream, when enabled: `exitStatus` and `balances` answer from it while it is healthy. */
  stream?: AccountStream;
}

/** Spot: no shorting, so a sell entry needs the base asset; exits are Binance-managed OCO pairs (core's `SPOT_ACCOUNT_CAPABILITIES`). */
export const BINANCE_SPOT_CAPABILITIES: AccountCapabilities = SPOT_ACCOUNT_CAPABILITIES;

// Binance's client order ids: `^[a-zA-Z0-9-_]{1,36}$` (fix-api.md "Client order ID fields must
// conform to the regex", the legal range REST quotes in its -1100 answer), as the port promises.
const CLIENT_ID = /^[A-Za-z0-9_-]{1,36}$/;

/**
 * One user's Binance spot account. Holds its ccxt client in this closure only, so the credentials
 * are not reachable from the returned object (nor printed by `console.log` / `JSON.stringify`).
 */
export function createBinanceTradingAccount(options: BinanceTradingAccountOptions): TradingAccount {
  const { client, marketData, clock, serverClock, retry, stream } = options;
  const lookupAttempts = Math.max(1, options.orderLookup.attempts ?? 3);
  const lookupDelayMs = options.orderLookup.delayMs ?? 2000;

  const call = async <T>(operation: string, request: () => Promise<unknown>): Promise<T> => {
    try {
      return (await request()) as T;
    } catch (error) {
      throw toTrdError(error, operation);
    }
  };

  /**
   * A signed request that is not a placement (a read, or a cancel: both harmless twice). Refused
   * with -1021, it is sent once more after the offset to Binance's clock is measured again.
   */
  const read = async <T>(operation: string, request: () => Promise<unknown>): Promise<T> => {
    try {
      return await call<T>(operation, request);
    } catch (error) {
      if (!isClockSkew(error)) throw error;
      await serverClock.resync();
      return call<T>(operation, request);
    }
  };

  const lookupOrder = async (symbol: string, clientOrderId: string): Promise<OrderReport | null> => {
    const order = await nullIfNotFound(
      read<BinanceOrder>('GET order', () =>
        client.privateGetOrder({ symbol, origClientOrderId: clientOrderId }),
      ),
    );
    return order && toOrderReport(order, await tradesOf(order));
  };

  // GET order carries no fees: they come from the order's trades.
  const tradesOf = async (order: BinanceOrder): Promise<BinanceTrade[] | undefined> => {
    if (!dec(order.executedQty ?? '0').gt(0)) return undefined;
    return read('GET myTrades', () =>
      client.privateGetMyTrades({ symbol: order.symbol, orderId: String(order.orderId) }),
    );
  };

  const lookupList = (params: Record<string, string>): Promise<BinanceOrderList | null> =>
    nullIfNotFound(read<BinanceOrderList>('GET orderList', () => client.privateGetOrderList(params)));

  const fetchLegs = (list: BinanceOrderList): Promise<BinanceOrder[]> =>
    Promise.all(
      list.orders.map((leg) =>
        read<BinanceOrder>('GET order', () =>
          client.privateGetOrder({ symbol: list.symbol, orderId: String(leg.orderId) }),
        ),
      ),
    );

  const describeList = async (list: BinanceOrderList, reports?: BinanceOrder[]): Promise<ExitReport> => {
    if (list.listOrderStatus === 'EXECUTING' && !reports) return toExitReport(list, []);
    const legs = reports ?? (await fetchLegs(list));
    const executed = legs.find((leg) => dec(leg.executedQty ?? '0').gt(0));
    return toExitReport(list, legs, executed ? await tradesOf(executed) : undefined);
  };

  /**
   * An order list already done can still hold a working leg (a stop-limit triggered in a gap):
   * cancelling the list does not reach it (DELETE orderList answers the list unknown), so the leg
   * is cancelled on its own (DELETE order).
   */
  const cancelWorkingLegs = async (ref: ExitRef): Promise<ExitReport> => {
    const list = await lookupList({ orderListId: ref.exitRef });
    if (!list) throw new OrderNotFoundError(`binance: no exit ${ref.exitRef} on ${ref.symbol}`);
    for (const leg of workingLegs(await fetchLegs(list))) {
      // Filled or cancelled meanwhile (not found): the report below tells which.
      await nullIfNotFound(
        read('DELETE order', () =>
          client.privateDeleteOrder({ symbol: list.symbol, orderId: String(leg.orderId) }),
        ),
      );
    }
    return describeList(list);
  };

  /**
   * Sends a placement once. When its outcome is unknown (the answer was lost), looks the order up
   * by client id a few times instead: it is never sent again. Refused with -1021, it is not sent
   * again either: the offset to Binance's clock is measured again and the order looked up the same
   * way, with correctly timed requests.
   */
  const placeOnce = async <T>(
    request: { symbol: string; clientOrderId: string },
    send: () => Promise<T>,
    find: () => Promise<T | null>,
  ): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      // Binance judged the order by rules newer than ours: load exchangeInfo again at once.
      if (isRuleRefusal(error)) marketData.refreshRules();
      const skewed = isClockSkew(error);
      if (!skewed && !outcomeUnknown(error)) throw error;
      // A failed measurement is not fatal here: each lookup resyncs again on its own -1021.
      if (skewed) await serverClock.resync().catch(() => undefined);
      return recover(find, request.clientOrderId, request.symbol, error);
    }
  };

  const recover = async <T>(
    find: () => Promise<T | null>,
    clientOrderId: string,
    symbol: string,
    failure: TrdError,
  ): Promise<T> => {
    let lastError: unknown = failure;
    for (let attempt = 1; attempt <= lookupAttempts; attempt++) {
      try {
        const found = await find();
        if (found) return found;
      } catch (error) {
        lastError = error;
      }
      if (attempt < lookupAttempts && lookupDelayMs > 0) await clock.sleep(lookupDelayMs);
    }
    throw new OrderStatusUnknownError(
      `binance: the outcome of ${clientOrderId} on ${symbol} is unknown (${failure.message}); look it up by client id before sending anything again`,
      clientOrderId,
      { cause: lastError },
    );
  };

  const findExitByClientId = async (symbol: string, clientOrderId: string): Promise<ExitReport | null> => {
    const list = await lookupList({ origClientOrderId: clientOrderId });
    if (!list || list.symbol !== symbol) return null;
    return describeList(list);
  };

  /** One read of an exit's state, without retries (callers retry around it). */
  const readExit = async (ref: ExitRef): Promise<ExitReport> => {
    const epoch = stream?.trustedEpoch();
    const list = await lookupList({ orderListId: ref.exitRef });
    if (!list) throw new OrderNotFoundError(`binance: no exit ${ref.exitRef} on ${ref.symbol}`);
    const report = await describeList(list);
    // Seeds the stream's view (the reconcile after a reconnect): later reads answer from events.
    if (stream && epoch !== undefined) stream.seedExit(list, legsOfReport(list, report), epoch);
    return report;
  };

  /** The exit from the stream's view, when the stream is healthy and has seen it whole. */
  const exitFromStream = async (ref: ExitRef): Promise<ExitReport | undefined> => {
    const view = stream?.exitView(ref.exitRef);
    if (!view || view.list.symbol !== ref.symbol) return undefined;
    const legs = view.legs.map((leg) => leg.order);
    const executed = view.legs.find((leg) => dec(leg.order.executedQty ?? '0').gt(0));
    // Fees from the trades the stream pushed; from REST (myTrades, weight 5) if it missed some.
    const trades = executed && (executed.tradesComplete ? executed.trades : await tradesOf(executed.order));
    return toExitReport(view.list, legs, trades || undefined);
  };

  return {
    specificationVersion: 'v1',
    capabilities: BINANCE_SPOT_CAPABILITIES,

    async balances() {
      stream?.ensure();
      const pushed = stream?.balances();
      if (pushed) return pushed;
      const epoch = stream?.trustedEpoch();
      const account = await retryRead(clock, retry, () =>
        read<{ updateTime?: number; balances: { asset: string; free: string; locked: string }[] }>(
          'GET account',
          () => client.privateGetAccount({ omitZeroBalances: 'true' }),
        ),
      );
      const balances: Balances = {};
      for (const { asset, free, locked } of account.balances) {
        if (dec(free).isZero() && dec(locked).isZero()) continue;
        balances[asset] = { free: toDecimalString(free), locked: toDecimalString(locked) };
      }
      stream?.seedBalances(balances, account.updateTime ?? 0, epoch);
      return balances;
    },

    async placeMarketOrder(request: MarketOrderRequest) {
      assertClientId(request.clientOrderId);
      stream?.ensure();
      const rules = await marketData.symbolRules(request.symbol);
      // Binance judges a MARKET order's notional at its avgPriceMins average, not the last price;
      // the average is read only when the order is near a notional limit (average-price-band.ts).
      const fits = (averagePrice: string) =>
        assertMarketOrderFits(rules, { quantity: request.quantity, averagePrice });
      if (!(request.lastPrice && passesAcrossAverageBand(rules.market, request.lastPrice, fits)))
        fits(roundOrderPrice(rules.market, await marketData.averagePrice(request.symbol)));
      // Binance accepts a filled order's client id again: unless the caller says this id was never
      // sent, look first so a retry never buys twice.
      if (!request.firstSend) {
        const existing = await retryRead(clock, retry, () =>
          lookupOrder(request.symbol, request.clientOrderId),
        );
        if (existing) return existing;
      }
      return placeOnce(
        request,
        async () => {
          const order = await call<BinanceOrder>('POST order', () =>
            client.privatePostOrder({
              symbol: request.symbol,
              side: request.side === 'buy' ? 'BUY' : 'SELL',
              type: 'MARKET',
              quantity: request.quantity,
              newClientOrderId: request.clientOrderId,
              newOrderRespType: 'FULL',
            }),
          );
          return toOrderReport(order);
        },
        () => lookupOrder(request.symbol, request.clientOrderId),
      );
    },

    async findOrder(symbol, clientOrderId) {
      assertClientId(clientOrderId);
      return retryRead(clock, retry, () => lookupOrder(symbol, clientOrderId));
    },

    async placeExit(request: ExitRequest) {
      assertClientId(request.clientOrderId);
      stream?.ensure();
      const symbolRules = await marketData.symbolRules(request.symbol);
      const rules = symbolRules.market;
      const stopMarket = options.stopLeg === 'stop-market' && symbolRules.orderTypes.has('STOP_LOSS');
      const stopLimit = stopMarket
        ? undefined
        : (request.stopLimit ??
          defaultStopLimit(rules, request.side, request.stopLoss, options.stopLimitOffsetPercent));
      const { stopLimit: _ignored, ...withoutStopLimit } = request;
      const complete: ExitRequest = stopLimit === undefined ? withoutStopLimit : { ...request, stopLimit };
      // Checked without the market first, so a pair that can never fit costs no ticker read. Binance
      // answers -2010 when the last price (on the tick) is not between the legs.
      assertExitFits(rules, complete);
      assertExitAllowed(symbolRules, complete, undefined);
      // The caller's fresh price (core checks the pair against the ticker itself) spares a read.
      const lastPrice = roundOrderPrice(rules, request.lastPrice ?? (await marketData.price(request.symbol)));
      // PERCENT_PRICE_BY_SIDE is judged at the average price: read only near its bounds.
      const allowed = (averagePrice: string | undefined) =>
        assertExitAllowed(symbolRules, complete, averagePrice);
      if (!passesAcrossAverageBand(rules, lastPrice, allowed))
        allowed(await marketData.averagePrice(request.symbol));
      assertExitFits(rules, { ...complete, lastPrice });
      return placeOnce(
        request,
        async () => {
          const epoch = stream?.trustedEpoch();
          const list = await call<BinanceOrderList>('POST orderList/oco', () =>
            client.privatePostOrderListOco(exitOrderParams(complete)),
          );
          stream?.seedExit(list, list.orderReports ?? [], epoch);
          return describeList(list, list.orderReports ?? []);
        },
        () => findExitByClientId(request.symbol, request.clientOrderId),
      );
    },

    async findExit(symbol, clientOrderId) {
      assertClientId(clientOrderId);
      return retryRead(clock, retry, () => findExitByClientId(symbol, clientOrderId));
    },

    async exitStatus(ref: ExitRef) {
      stream?.ensure();
      const pushed = await exitFromStream(ref);
      if (pushed) return pushed;
      return retryRead(clock, retry, () => readExit(ref));
    },

    async cancelExit(ref: ExitRef) {
      // Cancelling twice is harmless, so a lost answer is simply retried.
      return retryRead(clock, retry, async () => {
        let list: BinanceOrderList;
        try {
          list = await read('DELETE orderList', () =>
            client.privateDeleteOrderList({ symbol: ref.symbol, orderListId: ref.exitRef }),
          );
        } catch (error) {
          if (!isNotFound(error) && !(TrdError.isInstance(error) && error.code === 'ORDER_REJECTED'))
            throw error;
          // The list is done (a leg filled, or cancelled before): its final state is the answer,
          // unless a triggered stop-limit still works on its own, which is cancelled here. Read
          // once: this whole attempt is already retried.
          const report = await readExit(ref);
          if (report.state === 'filled' || report.state === 'cancelled') return report;
          if (report.state === 'open') throw error;
          const afterLegs = await cancelWorkingLegs(ref);
          if (afterLegs.state === 'triggered')
            throw new ExchangeUnavailableError(
              `binance: the working leg of exit ${ref.exitRef} on ${ref.symbol} is still working after its cancel`,
            );
          return afterLegs;
        }
        return describeList(list, list.orderReports ?? []);
      });
    },
  };
}

/**
 * The legs to seed the stream's view with after a REST read: those the report carries (a done
 * list's legs were read), else, for a list still executing, its legs as waiting with nothing
 * executed (what `open` means; any event about them is newer).
 */
function legsOfReport(list: BinanceOrderList, report: ExitReport): BinanceOrder[] {
  if (report.state === 'open')
    return list.orders.map((leg) => ({
      symbol: leg.symbol,
      orderId: leg.orderId,
      orderListId: list.orderListId,
      clientOrderId: leg.clientOrderId,
      executedQty: '0',
      cummulativeQuoteQty: '0',
      status: 'NEW',
    }));
  return [];
}

function assertClientId(clientOrderId: string): void {
  if (!CLIENT_ID.test(clientOrderId)) {
    throw new InvalidOrderError(
      `client order id must be 1-36 characters of [A-Za-z0-9_-], got ${JSON.stringify(clientOrderId)}`,
    );
  }
}

/** Checked by code, not `instanceof`: core's errors may come from another copy of the package. */
function isNotFound(error: unknown): boolean {
  return TrdError.isInstance(error) && error.code === 'ORDER_NOT_FOUND';
}

/** Binance -1021: the request's timestamp was outside recvWindow (refused before it was processed). */
function isClockSkew(error: unknown): error is TrdError {
  return TrdError.isInstance(error) && error.code === 'CLOCK_SKEW';
}

/** The read's result, or `null` when the venue does not know the order. */
async function nullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Binance refused the order on a filter (-1013 "Filter failure: …") or on the symbol's state
 * (-2010 "Market is closed.", "… orders are not supported for this symbol"): its exchangeInfo
 * changed since ours was loaded.
 */
function isRuleRefusal(error: unknown): boolean {
  if (!TrdError.isInstance(error) || error.code !== 'ORDER_REJECTED') return false;
  const venueCode = (error as OrderRejectedError).venueCode;
  if (venueCode === -1013) return true;
  return venueCode === -2010 && /market is closed|not supported for this symbol/i.test(error.message);
}

/** Network failure, timeout or 5xx after sending: Binance may or may not have the order. */
function outcomeUnknown(error: unknown): error is TrdError {
  return TrdError.isInstance(error) && error.code === 'EXCHANGE_UNAVAILABLE';
}
