import { readFileSync } from 'node:fs';
import Decimal from 'decimal.js';
import { type BinanceAnswer, BinanceApiError, rejections } from './binance-api-error';
import {
  averagePriceMinutes,
  checkLotSize,
  checkNotional,
  checkOpenOrderCounts,
  checkPercentPriceBySide,
  checkPrecision,
  checkPriceFilter,
  filterOf,
  isAlgoType,
  notionalFilterType,
  type SymbolInfo,
} from './symbol-filters';

type Params = Record<string, string>;

export interface FakeCandle {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

interface Balance {
  free: Decimal;
  locked: Decimal;
}

/**
 * What an account and its API key may do: `canTrade` and `canWithdraw` as `GET /api/v3/account`
 * reports them (rest-api.md:4207-4208), the key's restrictions as `GET /sapi/v1/account/apiRestrictions`
 * does (https://developers.binance.com/docs/wallet/account/api-key-permission).
 */
export interface FakeKeyPermissions {
  /** The account may trade (false: orders refused with -2010 "This account may not place or cancel orders."). */
  canTrade: boolean;
  /** The key allows withdrawals. */
  enableWithdrawals: boolean;
  /** The key may call TRADE endpoints (false: -2015 on them, rest-api.md:186-196). */
  enableSpotAndMarginTrading: boolean;
  /** The key is restricted to a list of IPs. */
  ipRestrict: boolean;
}

/** A trade-only key restricted to the caller's IP: what the server asks users for. */
export const TRADE_ONLY_KEY: FakeKeyPermissions = {
  canTrade: true,
  enableWithdrawals: false,
  enableSpotAndMarginTrading: true,
  ipRestrict: true,
};

export interface FakeAccount {
  apiKey: string;
  secret: string;
  balances: Map<string, Balance>;
  permissions: FakeKeyPermissions;
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  orderListId: number;
  clientOrderId: string;
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED';
  /** Why an order expired (rest-api.md, conditional field `expiryReason`: "When an order has expired"). */
  expiryReason?: string;
  timeInForce: string;
  type: string;
  side: 'BUY' | 'SELL';
  stopPrice?: Decimal;
  time: number;
  updateTime: number;
  workingTime: number;
  apiKey: string;
  fills: FakeFill[];
}

interface FakeFill {
  price: Decimal;
  qty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  tradeId: number;
  isMaker: boolean;
}

export interface FakeOrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  listStatusType: 'EXEC_STARTED' | 'ALL_DONE';
  listOrderStatus: 'EXECUTING' | 'ALL_DONE';
  transactionTime: number;
  createdAt: number;
  orderIds: number[];
  apiKey: string;
  /** What the list holds: the base quantity of a sell, the quote amount of a buy. */
  lockedAsset: string;
  lockedAmount: Decimal;
}

export interface FakeVenueOptions {
  now: () => number;
  exchangeInfo: { symbols: SymbolInfo[] } & Record<string, unknown>;
  candles: Record<string, FakeCandle[]>;
  /** Commission rate of every fill (0.1 % by default, Binance's spot base rate). */
  commissionRate?: string;
  /** Orders and lists stay invisible to lookups this long after creation (seen live for tens of seconds). */
  visibilityDelayMs?: number;
  /**
   * Answers every lookup or cancel of an unknown order or order list with this instead of the
   * documented answers (`NOT_FOUND_ANSWERS` holds the variants seen in the field).
   */
  notFoundAnswer?: BinanceAnswer;
}

// rest-api.md:3256 `aboveType`: "Supported values: STOP_LOSS_LIMIT, STOP_LOSS, LIMIT_MAKER, TAKE_PROFIT, TAKE_PROFIT_LIMIT".
const OCO_ABOVE_TYPES = new Set([
  'STOP_LOSS_LIMIT',
  'STOP_LOSS',
  'LIMIT_MAKER',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
]);
// rest-api.md:3268 `belowType`: "Supported values: STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, TAKE_PROFIT_LIMIT".
const OCO_BELOW_TYPES = new Set(['STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']);
// enums.md:90-98 order types, :102-106 newOrderRespType, :115-118 side, :122-130 timeInForce.
const ORDER_TYPES = new Set([
  'LIMIT',
  'MARKET',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
  'LIMIT_MAKER',
]);
const RESPONSE_TYPES = ['ACK', 'RESULT', 'FULL'];
const TIME_IN_FORCE = new Set(['GTC', 'IOC', 'FOK']);
/**
 * Client order ids: fix-api.md:394 "Client order ID fields must conform to the regex
 * `^[a-zA-Z0-9-_]{1,36}$`", the legal range REST quotes in its -1100 answer too
 * (binance/binance-spot-api-docs pull request #34: `.` is refused).
 */
export const CLIENT_ORDER_ID_RANGE = '^[a-zA-Z0-9-_]{1,36}$';
const CLIENT_ORDER_ID = /^[a-zA-Z0-9_-]{1,36}$/;
const CLIENT_ID_PARAMETERS = [
  'newClientOrderId',
  'origClientOrderId',
  'listClientOrderId',
  'aboveClientOrderId',
  'belowClientOrderId',
];

/** errors.md:72-74 -1100 for a client id outside the legal range. */
function checkClientIds(params: Params): void {
  for (const name of CLIENT_ID_PARAMETERS) {
    const value = params[name];
    if (value !== undefined && !CLIENT_ORDER_ID.test(value))
      throw rejections.illegalCharacters(name, CLIENT_ORDER_ID_RANGE);
  }
}

/** errors.md:72-74 -1100 for an enum parameter outside its values (enums.md). */
function checkEnum(params: Params, name: string, values: readonly string[]): void {
  const value = params[name];
  if (value !== undefined && !values.includes(value))
    throw rejections.illegalCharacters(name, values.join(', '));
}

const fmt = (value: Decimal) => value.toFixed(8);

function required(params: Params, name: string): string {
  const value = params[name];
  if (!value) throw rejections.mandatory(name);
  return value;
}

/** Loads `open_time_ms,open,high,low,close,volume` rows, strings kept as published. */
export function loadCandleCsv(path: string | URL): FakeCandle[] {
  const [, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const [openTime, open, high, low, close, volume] = line.split(',');
    return { openTime: Number(openTime), open, high, low, close, volume } as FakeCandle;
  });
}

/**
 * The matching side of the local Binance: accounts, market orders filled at the current price
 * with fills and commissions, OCO lists whose legs fill when the test moves the price.
 */
export class FakeBinanceVenue {
  readonly accounts = new Map<string, FakeAccount>();
  readonly orders: FakeOrder[] = [];
  readonly orderLists: FakeOrderList[] = [];
  private readonly prices = new Map<string, Decimal>();
  private nextOrderId = 1000;
  private nextListId = 1;
  private nextTradeId = 5000;
  private readonly commissionRate: Decimal;

  /** The symbols served, a copy per venue (tests change them with `updateSymbol`). */
  private readonly symbols: SymbolInfo[];
  /** Prices set by the test, in time order, for the average price (filters.md:64, avgPriceMins). */
  private readonly priceHistory = new Map<string, { at: number; price: Decimal }[]>();
  private readonly averagePriceOverrides = new Map<string, Decimal>();

  constructor(private readonly options: FakeVenueOptions) {
    this.commissionRate = new Decimal(options.commissionRate ?? '0.001');
    this.symbols = structuredClone(options.exchangeInfo.symbols);
  }

  private readonly listeners: ((apiKey: string, event: Record<string, unknown>) => void)[] = [];
  private nextExecutionId = 1;

  /** Receives every user data stream event of every account (the fake's WebSocket API pushes them). */
  onEvent(listener: (apiKey: string, event: Record<string, unknown>) => void): void {
    this.listeners.push(listener);
  }

  private emit(apiKey: string, event: Record<string, unknown>): void {
    for (const listener of this.listeners) listener(apiKey, event);
  }

  /** user-data-stream.md:73-121 `executionReport`, with the fields this fake knows. */
  private reportOrder(order: FakeOrder, executionType: string, last?: FakeFill): void {
    const now = this.options.now();
    this.emit(order.apiKey, {
      e: 'executionReport',
      E: now,
      s: order.symbol,
      c: order.clientOrderId,
      S: order.side,
      o: order.type,
      f: order.timeInForce,
      q: fmt(order.origQty),
      p: fmt(order.price),
      P: fmt(order.stopPrice ?? new Decimal(0)),
      F: '0.00000000',
      g: order.orderListId,
      C: '',
      x: executionType,
      X: order.status,
      r: 'NONE',
      i: order.orderId,
      l: fmt(last?.qty ?? new Decimal(0)),
      z: fmt(order.executedQty),
      L: fmt(last?.price ?? new Decimal(0)),
      n: last ? fmt(last.commission) : '0',
      N: last ? last.commissionAsset : null,
      T: order.updateTime,
      t: last ? last.tradeId : -1,
      I: this.nextExecutionId++,
      w: order.status === 'NEW' && order.workingTime !== -1,
      m: last?.isMaker ?? false,
      M: false,
      O: order.time,
      Z: fmt(order.cummulativeQuoteQty),
      Y: fmt(last ? last.qty.mul(last.price) : new Decimal(0)),
      Q: '0.00000000',
      ...(order.workingTime !== -1 ? { W: order.workingTime } : {}),
      V: 'NONE',
      ...(order.expiryReason ? { eR: order.expiryReason } : {}),
    });
  }

  /** user-data-stream.md:275-308 `listStatus`. */
  private reportList(list: FakeOrderList): void {
    this.emit(list.apiKey, {
      e: 'listStatus',
      E: this.options.now(),
      s: list.symbol,
      g: list.orderListId,
      c: 'OCO',
      l: list.listStatusType,
      L: list.listOrderStatus,
      r: 'NONE',
      C: list.listClientOrderId,
      T: list.transactionTime,
      O: this.legsOf(list).map((leg) => ({ s: leg.symbol, i: leg.orderId, c: leg.clientOrderId })),
    });
  }

  /** user-data-stream.md:29-50 `outboundAccountPosition`: the account's balances after a change. */
  private reportBalances(apiKey: string): void {
    const account = this.accounts.get(apiKey);
    if (!account) return;
    const now = this.options.now();
    this.emit(apiKey, {
      e: 'outboundAccountPosition',
      E: now,
      u: now,
      B: [...account.balances].map(([asset, balance]) => ({
        a: asset,
        f: fmt(balance.free),
        l: fmt(balance.locked),
      })),
    });
  }

  /** Changes a symbol's exchangeInfo entry (status, orderTypes, ocoAllowed, filters), as Binance does between loads. */
  updateSymbol(symbol: string, change: (info: SymbolInfo) => void): void {
    change(this.symbolInfo(symbol));
  }

  /** Pins the average price (GET avgPrice, MARKET notional, PERCENT_PRICE_BY_SIDE) instead of computing it. */
  setAveragePrice(symbol: string, price: string | undefined): void {
    if (price === undefined) this.averagePriceOverrides.delete(symbol);
    else this.averagePriceOverrides.set(symbol, new Decimal(price));
  }

  addAccount(
    apiKey: string,
    secret: string,
    balances: Record<string, string>,
    permissions: Partial<FakeKeyPermissions> = {},
  ): FakeAccount {
    const account: FakeAccount = {
      apiKey,
      secret,
      balances: new Map(),
      permissions: { ...TRADE_ONLY_KEY, ...permissions },
    };
    for (const [asset, free] of Object.entries(balances))
      account.balances.set(asset, { free: new Decimal(free), locked: new Decimal(0) });
    this.accounts.set(apiKey, account);
    return account;
  }

  balance(apiKey: string, asset: string): { free: string; locked: string } {
    const balance = this.balanceOf(this.account(apiKey), asset);
    return { free: balance.free.toFixed(), locked: balance.locked.toFixed() };
  }

  symbolInfo(symbol: string | undefined): SymbolInfo {
    if (!symbol) throw rejections.mandatory('symbol');
    const info = this.symbols.find((candidate) => candidate.symbol === symbol);
    if (!info) throw rejections.badSymbol();
    return info;
  }

  // ---- market data --------------------------------------------------------------------------

  exchangeInfo(params: Params): unknown {
    const wanted = params.symbol
      ? [params.symbol]
      : params.symbols
        ? (JSON.parse(params.symbols) as string[])
        : undefined;
    for (const symbol of wanted ?? []) this.symbolInfo(symbol);
    const symbols = wanted ? this.symbols.filter((info) => wanted.includes(info.symbol)) : this.symbols;
    return {
      ...this.options.exchangeInfo,
      serverTime: this.options.now(),
      symbols: structuredClone(symbols),
    };
  }

  /** Bars up to the current minute: never one from the future. */
  private candlesUntilNow(symbol: string): FakeCandle[] {
    const now = this.options.now();
    return (this.options.candles[symbol] ?? []).filter((candle) => candle.openTime <= now);
  }

  klines(params: Params): unknown[] {
    const info = this.symbolInfo(params.symbol);
    if (!params.interval) throw rejections.mandatory('interval');
    // errors.md `### -1120 BAD_INTERVAL`: "Invalid interval."
    if (params.interval !== '1m') throw new BinanceApiError(400, -1120, 'Invalid interval.');
    const limit = Math.min(Number(params.limit ?? 500), 1000);
    let candles = this.candlesUntilNow(info.symbol);
    if (params.startTime) candles = candles.filter((candle) => candle.openTime >= Number(params.startTime));
    if (params.endTime) candles = candles.filter((candle) => candle.openTime <= Number(params.endTime));
    candles = params.startTime ? candles.slice(0, limit) : candles.slice(-limit);
    return candles.map((candle) => [
      candle.openTime,
      candle.open,
      candle.high,
      candle.low,
      candle.close,
      candle.volume,
      candle.openTime + 59_999,
      fmt(new Decimal(candle.volume).mul(candle.close)),
      100,
      fmt(new Decimal(candle.volume).div(2)),
      fmt(new Decimal(candle.volume).div(2).mul(candle.close)),
      '0',
    ]);
  }

  /** The last price: set by the test, else the close of the current candle. */
  lastPrice(symbol: string): Decimal {
    const set = this.prices.get(symbol);
    if (set) return set;
    const candles = this.candlesUntilNow(symbol);
    const last = candles[candles.length - 1] ?? this.options.candles[symbol]?.[0];
    if (!last) throw rejections.badSymbol();
    return new Decimal(last.close);
  }

  tickerPrice(params: Params): unknown {
    // rest-api.md:1690-1697: "Parameter symbol and symbols cannot be used in combination. If
    // neither parameter is sent, prices for all symbols will be returned in an array."
    if (params.symbol !== undefined && params.symbols !== undefined)
      throw rejections.badParameterCombination();
    if (params.symbols !== undefined) {
      // rest-api.md:1694-1696: the symbols as a JSON array, `["BTCUSDT","BNBUSDT"]`.
      let listed: unknown;
      try {
        listed = JSON.parse(params.symbols);
      } catch {
        throw rejections.mandatory('symbols');
      }
      if (!Array.isArray(listed) || listed.length === 0 || !listed.every((s) => typeof s === 'string'))
        throw rejections.mandatory('symbols');
      // One unknown symbol refuses the whole request (errors.md `-1121 BAD_SYMBOL`).
      return (listed as string[]).map((symbol) => {
        this.symbolInfo(symbol);
        return { symbol, price: fmt(this.lastPrice(symbol)) };
      });
    }
    if (!params.symbol)
      return this.symbols.map((info) => ({
        symbol: info.symbol,
        price: fmt(this.lastPrice(info.symbol)),
      }));
    this.symbolInfo(params.symbol);
    return { symbol: params.symbol, price: fmt(this.lastPrice(params.symbol)) };
  }

  /**
   * The average price Binance judges MARKET notionals and PERCENT_PRICE_BY_SIDE by: "the volume
   * weighted average price over the preceding `avgPriceMins` minutes", or the last price when
   * `avgPriceMins` is 0 (filters.md:64-65, 139-142). Each preceding minute weighs its candle's
   * volume, at the price the test last set before the minute ended, else its candle's close.
   */
  averagePrice(symbol: string, minutes: number): Decimal {
    const pinned = this.averagePriceOverrides.get(symbol);
    if (pinned) return pinned;
    if (minutes <= 0) return this.lastPrice(symbol);
    const now = this.options.now();
    const currentMinute = Math.floor(now / 60_000) * 60_000;
    const candles = this.options.candles[symbol] ?? [];
    const history = this.priceHistory.get(symbol) ?? [];
    let value = new Decimal(0);
    let volume = new Decimal(0);
    for (let start = currentMinute - minutes * 60_000; start < currentMinute; start += 60_000) {
      const candle = candles.find((row) => row.openTime === start);
      const set = history.filter((entry) => entry.at < start + 60_000).at(-1);
      const price = set?.price ?? (candle ? new Decimal(candle.close) : undefined);
      if (!price) continue;
      const weight = candle && new Decimal(candle.volume).gt(0) ? new Decimal(candle.volume) : new Decimal(1);
      value = value.plus(price.mul(weight));
      volume = volume.plus(weight);
    }
    return volume.isZero() ? this.lastPrice(symbol) : value.div(volume).toDecimalPlaces(8);
  }

  /** rest-api.md:1234-1258 GET /api/v3/avgPrice: `{ mins, price, closeTime }`. */
  averagePriceAnswer(params: Params): unknown {
    const info = this.symbolInfo(params.symbol);
    const minutes = averagePriceMinutes(info, notionalFilterType(info)) || 5;
    return {
      mins: minutes,
      price: fmt(this.averagePrice(info.symbol, minutes)),
      closeTime: this.options.now(),
    };
  }

  /** The open orders of an account on a symbol: all of them, and the algo ones (filters.md:217-239). */
  private openOrderCounts(apiKey: string, symbol: string): { orders: number; algoOrders: number } {
    const open = this.orders.filter(
      (order) => order.apiKey === apiKey && order.symbol === symbol && order.status === 'NEW',
    );
    return { orders: open.length, algoOrders: open.filter((order) => isAlgoType(order.type)).length };
  }

  /** rest-api.md:4287-4302 GET /api/v3/openOrders. */
  openOrders(apiKey: string, params: Params): unknown[] {
    if (params.symbol) this.symbolInfo(params.symbol);
    return this.orders
      .filter(
        (order) =>
          order.apiKey === apiKey &&
          order.status === 'NEW' &&
          (!params.symbol || order.symbol === params.symbol),
      )
      .map((order) => this.orderResponse(order, 'QUERY'));
  }

  /**
   * Moves the last price. Without `gap` the market trades through every price on the way, so a
   * leg it crosses triggers at its trigger and fills (a stop-limit at its limit), and its sibling
   * expires. With `gap` the price jumps there without trading in between: a stop-limit it
   * triggers fills only if its limit is still marketable at the new price, else it works unfilled
   * at its limit (the list is done, the leg is not) until a later price reaches the limit.
   */
  setPrice(symbol: string, price: string | number, options: { gap?: boolean } = {}): void {
    this.symbolInfo(symbol);
    const last = new Decimal(price);
    this.prices.set(symbol, last);
    const history = this.priceHistory.get(symbol) ?? [];
    history.push({ at: this.options.now(), price: last });
    this.priceHistory.set(symbol, history);
    for (const list of this.orderLists) {
      if (list.symbol !== symbol) continue;
      if (list.listOrderStatus === 'EXECUTING') this.triggerList(list, last, options.gap ?? false);
      else this.fillWorkingLeg(list, last);
    }
  }

  // ---- account --------------------------------------------------------------------------------

  account(apiKey: string): FakeAccount {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no fake account for key ${apiKey}`);
    return account;
  }

  private balanceOf(account: FakeAccount, asset: string): Balance {
    let balance = account.balances.get(asset);
    if (!balance) {
      balance = { free: new Decimal(0), locked: new Decimal(0) };
      account.balances.set(asset, balance);
    }
    return balance;
  }

  accountInfo(apiKey: string, params: Params): unknown {
    const account = this.account(apiKey);
    let balances = [...account.balances].map(([asset, balance]) => ({
      asset,
      free: fmt(balance.free),
      locked: fmt(balance.locked),
    }));
    if (params.omitZeroBalances === 'true')
      balances = balances.filter((balance) => Number(balance.free) > 0 || Number(balance.locked) > 0);
    return {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: fmt(this.commissionRate),
        taker: fmt(this.commissionRate),
        buyer: fmt(new Decimal(0)),
        seller: fmt(new Decimal(0)),
      },
      canTrade: account.permissions.canTrade,
      canWithdraw: account.permissions.enableWithdrawals,
      canDeposit: false,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: this.options.now(),
      accountType: 'SPOT',
      balances,
      permissions: ['SPOT'],
      uid: 354937868,
    };
  }

  /**
   * GET /sapi/v1/account/apiRestrictions, the answer of
   * https://developers.binance.com/docs/wallet/account/api-key-permission (its example's fields).
   */
  apiRestrictions(apiKey: string): unknown {
    const { permissions } = this.account(apiKey);
    return {
      ipRestrict: permissions.ipRestrict,
      createTime: 1623840271000,
      enableReading: true,
      enableWithdrawals: permissions.enableWithdrawals,
      enableInternalTransfer: false,
      enableMargin: false,
      enableFutures: false,
      permitsUniversalTransfer: false,
      enableVanillaOptions: false,
      enableFixApiTrade: false,
      enableFixReadOnly: true,
      enableSpotAndMarginTrading: permissions.enableSpotAndMarginTrading,
      enablePortfolioMarginTrading: false,
    };
  }

  // ---- orders ---------------------------------------------------------------------------------

  /**
   * POST /api/v3/order (rest-api.md:2128-2178), MARKET only: the checks in the order Binance's
   * documentation gives them — parameters, enums, the symbol's status and order types, precision,
   * then the filters (filters.md), then the balance.
   */
  placeOrder(apiKey: string, params: Params): unknown {
    if (!this.account(apiKey).permissions.canTrade) throw rejections.tradingDisabled();
    const info = this.symbolInfo(params.symbol);
    if (!params.side) throw rejections.mandatory('side');
    // errors.md:124-125 -1117 "Invalid side." (enums.md:115-118).
    if (params.side !== 'BUY' && params.side !== 'SELL') throw rejections.invalidSide();
    if (!params.type) throw rejections.mandatory('type');
    // errors.md:121-122 -1116 "Invalid orderType." (enums.md:90-98).
    if (!ORDER_TYPES.has(params.type)) throw rejections.invalidOrderType();
    checkEnum(params, 'newOrderRespType', RESPONSE_TYPES);
    // errors.md:118-119 -1115 for a timeInForce outside enums.md:122-130; -1114 when a MARKET order sends one.
    if (params.timeInForce !== undefined && !TIME_IN_FORCE.has(params.timeInForce))
      throw rejections.invalidTimeInForce();
    checkClientIds(params);
    // errors.md:376 "Market is closed." — "The symbol is not trading" (status, enums.md:5-11).
    if ((info.status ?? 'TRADING') !== 'TRADING') throw rejections.marketClosed();
    // errors.md:378 "Market orders are not supported for this symbol." (orderTypes of exchangeInfo).
    if (info.orderTypes && !info.orderTypes.includes(params.type))
      throw rejections.typeNotSupported(params.type);
    if (params.type !== 'MARKET')
      throw new BinanceApiError(400, -1000, `fake Binance implements MARKET orders only, not ${params.type}`);
    if (params.timeInForce !== undefined) throw rejections.timeInForceNotRequired();
    for (const name of ['price', 'stopPrice', 'icebergQty', 'trailingDelta'])
      if (params[name] !== undefined) throw rejections.notRequired(name);
    // rest-api.md:2173: MARKET needs `quantity` or `quoteOrderQty` (this fake: quantity).
    if (!params.quantity) throw rejections.mandatory('quantity');
    checkPrecision('quantity', params.quantity, info.baseAssetPrecision);
    const quantity = new Decimal(params.quantity);
    checkLotSize(info, quantity, true);
    const price = this.lastPrice(info.symbol);
    // filters.md:139-142 / 162-165: a MARKET order's notional is at the average price over avgPriceMins.
    const average = this.averagePrice(info.symbol, averagePriceMinutes(info, notionalFilterType(info)));
    checkNotional(info, quantity.mul(average), true);
    // rest-api.md:2134 "This adds 1 order to the EXCHANGE_MAX_ORDERS filter and the MAX_NUM_ORDERS filter."
    checkOpenOrderCounts(info, this.openOrderCounts(apiKey, info.symbol), { orders: 1, algoOrders: 0 });
    const account = this.account(apiKey);
    const clientOrderId = params.newClientOrderId ?? `fake${this.nextOrderId}`;
    // Binance: a client order id is unique among OPEN orders only; a filled one may be reused.
    if (
      this.orders.some(
        (order) => order.apiKey === apiKey && order.clientOrderId === clientOrderId && order.status === 'NEW',
      )
    ) {
      throw rejections.duplicate();
    }
    const levels = this.marketLevels(info, params.side, quantity, price);
    const base = this.balanceOf(account, info.baseAsset);
    const quote = this.balanceOf(account, info.quoteAsset);
    const cost = levels.reduce((sum, level) => sum.plus(level.qty.mul(level.price)), new Decimal(0));
    if (params.side === 'BUY' ? quote.free.lt(cost) : base.free.lt(quantity))
      throw rejections.insufficientBalance();
    const now = this.options.now();
    const order: FakeOrder = {
      symbol: info.symbol,
      orderId: this.nextOrderId++,
      orderListId: -1,
      clientOrderId,
      price: new Decimal(0),
      origQty: quantity,
      executedQty: new Decimal(0),
      cummulativeQuoteQty: new Decimal(0),
      status: 'NEW',
      timeInForce: 'GTC',
      type: 'MARKET',
      side: params.side,
      time: now,
      updateTime: now,
      workingTime: now,
      apiKey,
      fills: [],
    };
    this.reportOrder(order, 'NEW');
    for (const level of levels) this.fill(order, info, level.qty, level.price, false);
    this.orders.push(order);
    this.reportBalances(apiKey);
    return this.orderResponse(order, params.newOrderRespType ?? 'FULL');
  }

  /** A market order walks the book: half at the last price, the rest one tick worse. */
  private marketLevels(
    info: SymbolInfo,
    side: string,
    quantity: Decimal,
    price: Decimal,
  ): { qty: Decimal; price: Decimal }[] {
    const tick = new Decimal(filterOf(info, 'PRICE_FILTER')?.('tickSize') ?? '0');
    const step = new Decimal(filterOf(info, 'LOT_SIZE')?.('stepSize') ?? '0');
    if (step.isZero()) return [{ qty: quantity, price }];
    const first = quantity.div(2).div(step).floor().mul(step);
    if (first.lte(0) || first.gte(quantity)) return [{ qty: quantity, price }];
    const worse = side === 'BUY' ? price.plus(tick) : price.minus(tick);
    return [
      { qty: first, price },
      { qty: quantity.minus(first), price: worse },
    ];
  }

  /** Executes `qty` of `order` at `price`: balances move, the commission is taken from what was received. */
  private fill(
    order: FakeOrder,
    info: SymbolInfo,
    qty: Decimal,
    price: Decimal,
    isMaker: boolean,
    fromLocked?: Decimal,
  ): void {
    const account = this.account(order.apiKey);
    const base = this.balanceOf(account, info.baseAsset);
    const quote = this.balanceOf(account, info.quoteAsset);
    const value = qty.mul(price);
    let commission: Decimal;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      commission = qty.mul(this.commissionRate).toDecimalPlaces(8, Decimal.ROUND_DOWN);
      commissionAsset = info.baseAsset;
      if (fromLocked) {
        quote.locked = quote.locked.minus(fromLocked);
        quote.free = quote.free.plus(fromLocked.minus(value));
      } else {
        quote.free = quote.free.minus(value);
      }
      base.free = base.free.plus(qty.minus(commission));
    } else {
      commission = value.mul(this.commissionRate).toDecimalPlaces(8, Decimal.ROUND_DOWN);
      commissionAsset = info.quoteAsset;
      if (fromLocked) base.locked = base.locked.minus(qty);
      else base.free = base.free.minus(qty);
      quote.free = quote.free.plus(value.minus(commission));
    }
    order.executedQty = order.executedQty.plus(qty);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.plus(value);
    const fill = { price, qty, commission, commissionAsset, tradeId: this.nextTradeId++, isMaker };
    order.fills.push(fill);
    order.status = order.executedQty.gte(order.origQty) ? 'FILLED' : order.status;
    order.updateTime = this.options.now();
    this.reportOrder(order, 'TRADE', fill);
  }

  private visible(createdAt: number): boolean {
    return this.options.now() - createdAt >= (this.options.visibilityDelayMs ?? 0);
  }

  /** The documented answer to something unknown, or the variant the test chose. */
  private notFound(documented: BinanceApiError): BinanceApiError {
    const chosen = this.options.notFoundAnswer;
    return chosen ? new BinanceApiError(400, chosen.code, chosen.msg) : documented;
  }

  /** `missing`: the documented answer when no order matches (a query's, or a cancel's). */
  private findOrder(apiKey: string, params: Params, missing = rejections.orderMissing): FakeOrder {
    this.symbolInfo(params.symbol);
    checkClientIds(params);
    if (!params.orderId && !params.origClientOrderId) {
      // errors.md `### -1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED`: "Param '%s' or '%s' must be sent, but both were empty/null!"
      throw new BinanceApiError(
        400,
        -1102,
        "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
      );
    }
    const matches = this.orders.filter(
      (order) =>
        this.visible(order.time) &&
        order.apiKey === apiKey &&
        order.symbol === params.symbol &&
        (params.orderId
          ? String(order.orderId) === params.orderId
          : order.clientOrderId === params.origClientOrderId),
    );
    const order = matches[matches.length - 1];
    if (!order) throw this.notFound(missing());
    return order;
  }

  queryOrder(apiKey: string, params: Params): unknown {
    return this.orderResponse(this.findOrder(apiKey, params), 'QUERY');
  }

  myTrades(apiKey: string, params: Params): unknown[] {
    this.symbolInfo(params.symbol);
    const orders = this.orders.filter(
      (order) =>
        order.apiKey === apiKey &&
        order.symbol === params.symbol &&
        (!params.orderId || String(order.orderId) === params.orderId),
    );
    return orders.flatMap((order) =>
      order.fills.map((fill) => ({
        symbol: order.symbol,
        id: fill.tradeId,
        orderId: order.orderId,
        orderListId: order.orderListId,
        price: fmt(fill.price),
        qty: fmt(fill.qty),
        quoteQty: fmt(fill.qty.mul(fill.price)),
        commission: fmt(fill.commission),
        commissionAsset: fill.commissionAsset,
        time: order.updateTime,
        isBuyer: order.side === 'BUY',
        isMaker: fill.isMaker,
        isBestMatch: true,
      })),
    );
  }

  orderResponse(order: FakeOrder, kind: string): Record<string, unknown> {
    const common = {
      symbol: order.symbol,
      orderId: order.orderId,
      orderListId: order.orderListId,
      clientOrderId: order.clientOrderId,
    };
    if (kind === 'ACK') return { ...common, transactTime: order.time };
    const body: Record<string, unknown> = {
      ...common,
      ...(kind === 'QUERY' ? {} : { transactTime: order.time }),
      price: fmt(order.price),
      origQty: fmt(order.origQty),
      executedQty: fmt(order.executedQty),
      ...(kind === 'QUERY' ? {} : { origQuoteOrderQty: '0.00000000' }),
      cummulativeQuoteQty: fmt(order.cummulativeQuoteQty),
      status: order.status,
      timeInForce: order.timeInForce,
      type: order.type,
      side: order.side,
      ...(order.stopPrice ? { stopPrice: fmt(order.stopPrice) } : {}),
      workingTime: order.workingTime,
      selfTradePreventionMode: 'NONE',
      ...(order.expiryReason ? { expiryReason: order.expiryReason } : {}),
    };
    if (kind === 'QUERY') {
      Object.assign(body, {
        icebergQty: '0.00000000',
        time: order.time,
        updateTime: order.updateTime,
        isWorking: order.workingTime !== -1,
        origQuoteOrderQty: '0.00000000',
      });
    }
    if (kind === 'FULL') {
      body.fills = order.fills.map((fill) => ({
        price: fmt(fill.price),
        qty: fmt(fill.qty),
        commission: fmt(fill.commission),
        commissionAsset: fill.commissionAsset,
        tradeId: fill.tradeId,
      }));
    }
    return body;
  }

  // ---- OCO order lists ------------------------------------------------------------------------

  /**
   * POST /api/v3/orderList/oco (rest-api.md:3223-3283): parameters and enums, the symbol's
   * status, `ocoAllowed` and `orderTypes`, which leg may sit above or below, precision and the
   * filters of each leg, the price relations around the last price, the open order counts.
   */
  placeOco(apiKey: string, params: Params): unknown {
    if (!this.account(apiKey).permissions.canTrade) throw rejections.tradingDisabled();
    const info = this.symbolInfo(params.symbol);
    const side = required(params, 'side');
    const rawQuantity = required(params, 'quantity');
    const aboveType = required(params, 'aboveType');
    const belowType = required(params, 'belowType');
    if (side !== 'BUY' && side !== 'SELL') throw rejections.invalidSide();
    checkEnum(params, 'newOrderRespType', RESPONSE_TYPES);
    for (const name of ['aboveTimeInForce', 'belowTimeInForce'])
      if (params[name] !== undefined && !TIME_IN_FORCE.has(params[name] as string))
        throw rejections.invalidTimeInForce();
    // errors.md:188-190 -1158: a type outside rest-api.md:3256 / 3268.
    if (!OCO_ABOVE_TYPES.has(aboveType) || !OCO_BELOW_TYPES.has(belowType))
      throw rejections.ocoTypeRejected();
    checkClientIds(params);
    // errors.md:376 "Market is closed."; errors.md:394 "OCO orders are not supported for this symbol".
    if ((info.status ?? 'TRADING') !== 'TRADING') throw rejections.marketClosed();
    if (info.ocoAllowed === false) throw rejections.ocoNotSupported();
    // errors.md:380-383: each leg's type must be among the symbol's orderTypes.
    for (const type of [aboveType, belowType])
      if (info.orderTypes && !info.orderTypes.includes(type)) throw rejections.typeNotSupported(type);
    // rest-api.md:3232: one leg LIMIT_MAKER/TAKE_PROFIT/TAKE_PROFIT_LIMIT, the other STOP_LOSS/STOP_LOSS_LIMIT.
    const isStop = (type: string) => type.startsWith('STOP_LOSS');
    if (!isStop(aboveType) && !isStop(belowType)) throw rejections.bothLegsLimit();
    if (isStop(aboveType) && isStop(belowType)) throw rejections.ocoTypeRejected();
    // errors.md:200-207, 289-299: a SELL's take profit above and stop below; a BUY's the mirror.
    if (side === 'SELL') {
      if (isStop(aboveType)) throw rejections.sellStopMustBeBelow();
      if (belowType.startsWith('TAKE_PROFIT')) throw rejections.sellTakeProfitMustBeAbove();
    } else {
      if (aboveType === 'LIMIT_MAKER') throw rejections.buyLimitMustBeBelow();
      if (aboveType.startsWith('TAKE_PROFIT')) throw rejections.buyTakeProfitMustBeBelow();
      if (isStop(belowType)) throw rejections.buyStopMustBeAbove();
    }
    checkPrecision('quantity', rawQuantity, info.baseAssetPrecision);
    const quantity = new Decimal(rawQuantity);
    checkLotSize(info, quantity, false);
    const average = this.averagePrice(info.symbol, averagePriceMinutes(info, 'PERCENT_PRICE_BY_SIDE'));
    const below = this.ocoLeg(info, params, 'below', belowType, quantity, side, average);
    const above = this.ocoLeg(info, params, 'above', aboveType, quantity, side, average);
    const legs = [below, above];
    const last = this.lastPrice(info.symbol);
    // rest-api.md:3233-3239 and errors.md:393 (-2010): SELL `LIMIT_MAKER/TAKE_PROFIT_LIMIT price` >
    // last > stop's `stopPrice` (a TAKE_PROFIT's `stopPrice` for its price); BUY the mirror.
    const takeProfit = side === 'SELL' ? above : below;
    const stop = side === 'SELL' ? below : above;
    const takeProfitPrice = takeProfit.type === 'TAKE_PROFIT' ? takeProfit.stopPrice : takeProfit.price;
    const stopPrice = stop.stopPrice as Decimal;
    const related =
      side === 'SELL'
        ? (takeProfitPrice as Decimal).gt(last) && last.gt(stopPrice)
        : (takeProfitPrice as Decimal).lt(last) && last.lt(stopPrice);
    if (!related) throw rejections.priceRelationship();
    // rest-api.md:3240 "OCOs add 2 orders to the EXCHANGE_MAX_ORDERS filter and the MAX_NUM_ORDERS filter";
    // filters.md:229-239: the stop (and a TAKE_PROFIT*) leg is an algo order.
    checkOpenOrderCounts(info, this.openOrderCounts(apiKey, info.symbol), {
      orders: 2,
      algoOrders: legs.filter((leg) => isAlgoType(leg.type)).length,
    });
    const listClientOrderId = params.listClientOrderId ?? `list${this.nextListId}`;
    if (
      this.orderLists.some(
        (list) =>
          list.apiKey === apiKey &&
          list.listClientOrderId === listClientOrderId &&
          list.listOrderStatus === 'EXECUTING',
      )
    ) {
      throw rejections.duplicate();
    }
    const account = this.account(apiKey);
    const lockedAsset = side === 'SELL' ? info.baseAsset : info.quoteAsset;
    const lockedAmount =
      side === 'SELL'
        ? quantity
        : Decimal.max(...legs.map((leg) => leg.price ?? leg.triggerPrice)).mul(quantity);
    const balance = this.balanceOf(account, lockedAsset);
    if (balance.free.lt(lockedAmount)) throw rejections.insufficientBalance();
    balance.free = balance.free.minus(lockedAmount);
    balance.locked = balance.locked.plus(lockedAmount);
    const now = this.options.now();
    const list: FakeOrderList = {
      orderListId: this.nextListId++,
      listClientOrderId,
      symbol: info.symbol,
      side,
      listStatusType: 'EXEC_STARTED',
      listOrderStatus: 'EXECUTING',
      transactionTime: now,
      createdAt: now,
      orderIds: [],
      apiKey,
      lockedAsset,
      lockedAmount,
    };
    for (const leg of legs) {
      const order: FakeOrder = {
        symbol: info.symbol,
        orderId: this.nextOrderId++,
        orderListId: list.orderListId,
        clientOrderId: leg.clientOrderId ?? `leg${this.nextOrderId}`,
        price: leg.price ?? new Decimal(0),
        origQty: quantity,
        executedQty: new Decimal(0),
        cummulativeQuoteQty: new Decimal(0),
        status: 'NEW',
        timeInForce: leg.timeInForce ?? 'GTC',
        type: leg.type,
        side,
        ...(leg.stopPrice ? { stopPrice: leg.stopPrice } : {}),
        time: now,
        updateTime: now,
        // An untriggered stop is not working yet (docs example: `workingTime: -1`).
        workingTime: leg.type === 'LIMIT_MAKER' ? now : -1,
        apiKey,
        fills: [],
      };
      this.orders.push(order);
      list.orderIds.push(order.orderId);
    }
    this.orderLists.push(list);
    for (const leg of this.legsOf(list)) this.reportOrder(leg, 'NEW');
    this.reportList(list);
    this.reportBalances(apiKey);
    return this.listResponse(list, true);
  }

  private ocoLeg(
    info: SymbolInfo,
    params: Params,
    position: 'above' | 'below',
    type: string,
    quantity: Decimal,
    side: 'BUY' | 'SELL',
    average: Decimal,
  ) {
    const rawPrice = params[`${position}Price`];
    const rawStop = params[`${position}StopPrice`];
    const timeInForce = params[`${position}TimeInForce`];
    // rest-api.md:3259-3262, 3271-3274: price only for STOP_LOSS_LIMIT, LIMIT_MAKER, TAKE_PROFIT_LIMIT;
    // stopPrice for all but LIMIT_MAKER; timeInForce required for the *_LIMIT types.
    const takesPrice = type === 'LIMIT_MAKER' || type.endsWith('_LIMIT');
    const takesStop = type !== 'LIMIT_MAKER';
    if (takesPrice && !rawPrice) throw rejections.mandatory(`${position}Price`);
    if (!takesPrice && rawPrice !== undefined) throw rejections.notRequired(`${position}Price`);
    if (takesStop && !rawStop) throw rejections.mandatory(`${position}StopPrice`);
    if (!takesStop && rawStop !== undefined) throw rejections.notRequired(`${position}StopPrice`);
    if (type.endsWith('_LIMIT') && !timeInForce) throw rejections.mandatory(`${position}TimeInForce`);
    if (!type.endsWith('_LIMIT') && timeInForce !== undefined) throw rejections.timeInForceNotRequired();
    const price = rawPrice ? new Decimal(rawPrice) : undefined;
    const stopPrice = rawStop ? new Decimal(rawStop) : undefined;
    for (const [name, value] of [
      [`${position}Price`, rawPrice],
      [`${position}StopPrice`, rawStop],
    ] as const) {
      if (value) checkPrecision(name, value, info.quoteAssetPrecision);
    }
    // filters.md:37-48: PRICE_FILTER applies to `price` and `stopPrice`.
    if (price) checkPriceFilter(info, price);
    if (stopPrice) checkPriceFilter(info, stopPrice);
    // filters.md:81-96: PERCENT_PRICE_BY_SIDE bounds the leg's limit price around the average.
    if (price) checkPercentPriceBySide(info, side, price, average);
    checkNotional(info, quantity.mul(price ?? stopPrice ?? 0), false);
    // The price the leg works at: a stop's trigger, a limit maker's limit.
    const triggerPrice = (type === 'LIMIT_MAKER' ? price : stopPrice) as Decimal;
    return {
      type,
      price,
      stopPrice,
      triggerPrice,
      timeInForce,
      clientOrderId: params[`${position}ClientOrderId`],
    };
  }

  private legTriggered(order: FakeOrder, side: 'BUY' | 'SELL', last: Decimal): boolean {
    if (order.type === 'LIMIT_MAKER') return side === 'SELL' ? last.gte(order.price) : last.lte(order.price);
    const stop = order.stopPrice as Decimal;
    const rising = order.type.startsWith('STOP_LOSS') ? side === 'BUY' : side === 'SELL';
    return rising ? last.gte(stop) : last.lte(stop);
  }

  private legsOf(list: FakeOrderList): FakeOrder[] {
    return list.orderIds.map((id) => this.orders.find((order) => order.orderId === id) as FakeOrder);
  }

  /** A limit at `limit` is marketable at `last`: a sell at or under it, a buy at or over it. */
  private marketable(order: FakeOrder, last: Decimal): boolean {
    return order.side === 'SELL' ? last.gte(order.price) : last.lte(order.price);
  }

  /**
   * A leg's trigger spends the pair. A stop-limit's trigger places its LIMIT order on the book
   * (spot_glossary.md, `STOP_LOSS_LIMIT`: "once the market price hits the stopPrice, a LIMIT order
   * is placed on the order book"): it starts working (`workingTime`, `isWorking`), and fills only
   * if its limit is marketable; in a gap past its limit it rests, status NEW. The other leg expires
   * (spot_glossary.md, `OCO`: "if one of the orders execute, the other is automatically expired";
   * user-data-stream.md, expiry reason `OCO_TRIGGER`: "the other order of the pair started
   * working") and the list is ALL_DONE (enums.md: "finished executing and thus is no longer active").
   */
  private triggerList(list: FakeOrderList, last: Decimal, gap: boolean): void {
    const legs = this.legsOf(list);
    const triggered = legs.find((leg) => this.legTriggered(leg, list.side, last));
    if (!triggered) return;
    const info = this.symbolInfo(list.symbol);
    const fillPrice =
      triggered.type === 'STOP_LOSS' || triggered.type === 'TAKE_PROFIT' ? last : triggered.price;
    if (triggered.workingTime === -1) triggered.workingTime = this.options.now();
    const stuck = gap && triggered.type.endsWith('_LIMIT') && !this.marketable(triggered, last);
    if (!stuck) {
      this.fill(
        triggered,
        info,
        triggered.origQty,
        fillPrice,
        triggered.type === 'LIMIT_MAKER',
        list.lockedAmount,
      );
    }
    for (const leg of legs) {
      if (leg !== triggered) {
        leg.status = 'EXPIRED';
        leg.expiryReason = 'OCO_TRIGGER';
        leg.updateTime = this.options.now();
        this.reportOrder(leg, 'EXPIRED');
      }
    }
    list.listStatusType = 'ALL_DONE';
    list.listOrderStatus = 'ALL_DONE';
    list.transactionTime = this.options.now();
    this.reportList(list);
    this.reportBalances(list.apiKey);
  }

  /** A stop-limit triggered in a gap rests as a limit order until the price comes back to it, then fills at its limit. */
  private fillWorkingLeg(list: FakeOrderList, last: Decimal): void {
    const working = this.legsOf(list).find((leg) => leg.status === 'NEW' && leg.workingTime !== -1);
    if (!working || !this.marketable(working, last)) return;
    this.fill(working, this.symbolInfo(list.symbol), working.origQty, working.price, true, list.lockedAmount);
    this.reportBalances(list.apiKey);
  }

  /** DELETE /api/v3/order: cancels a working order, releasing what it held. */
  cancelOrder(apiKey: string, params: Params): unknown {
    const order = this.findOrder(apiKey, params, rejections.unknownOrder);
    // Only an active order can be cancelled (rest-api.md, Cancel order: "Cancel an active order.").
    if (order.status !== 'NEW') throw this.notFound(rejections.unknownOrder());
    const executing = this.orderLists.find(
      (candidate) => candidate.orderListId === order.orderListId && candidate.listOrderStatus === 'EXECUTING',
    );
    // Cancelling one leg of a working order list cancels the whole list (rest-api.md).
    if (executing) {
      this.cancelOrderList(apiKey, { symbol: order.symbol, orderListId: String(executing.orderListId) });
      return { ...this.orderResponse(order, 'RESULT'), origClientOrderId: order.clientOrderId };
    }
    order.status = 'CANCELED';
    order.updateTime = this.options.now();
    const list = this.orderLists.find((candidate) => candidate.orderListId === order.orderListId);
    if (list) {
      const balance = this.balanceOf(this.account(apiKey), list.lockedAsset);
      balance.locked = balance.locked.minus(list.lockedAmount);
      balance.free = balance.free.plus(list.lockedAmount);
    }
    this.reportOrder(order, 'CANCELED');
    this.reportBalances(apiKey);
    return {
      ...this.orderResponse(order, 'RESULT'),
      origClientOrderId: order.clientOrderId,
      clientOrderId: `cancel${order.orderId}`,
    };
  }

  /** `missing`: the documented answer when no list matches (a query's, or a cancel's). */
  private findList(apiKey: string, params: Params, missing = rejections.orderMissing): FakeOrderList {
    checkClientIds(params);
    const byId = params.orderListId;
    const byClientId = params.origClientOrderId ?? params.listClientOrderId;
    if (!byId && !byClientId) throw rejections.badParameterCombination();
    const matches = this.orderLists.filter(
      (list) =>
        this.visible(list.createdAt) &&
        list.apiKey === apiKey &&
        (byId ? String(list.orderListId) === byId : list.listClientOrderId === byClientId),
    );
    const list = matches[matches.length - 1];
    if (!list) throw this.notFound(missing());
    return list;
  }

  queryOrderList(apiKey: string, params: Params): unknown {
    return this.listResponse(this.findList(apiKey, params), false);
  }

  openOrderLists(apiKey: string): unknown[] {
    return this.orderLists
      .filter((list) => list.apiKey === apiKey && list.listOrderStatus === 'EXECUTING')
      .map((list) => this.listResponse(list, false));
  }

  cancelOrderList(apiKey: string, params: Params): unknown {
    this.symbolInfo(params.symbol);
    const list = this.findList(apiKey, params, rejections.unknownOrder);
    if (list.symbol !== params.symbol) throw this.notFound(rejections.unknownOrder());
    // Only an active list can be cancelled (web-socket-api.md, orderList.cancel: "Cancel an active order list.").
    if (list.listOrderStatus !== 'EXECUTING') throw this.notFound(rejections.unknownOrder());
    const account = this.account(apiKey);
    const balance = this.balanceOf(account, list.lockedAsset);
    balance.locked = balance.locked.minus(list.lockedAmount);
    balance.free = balance.free.plus(list.lockedAmount);
    const now = this.options.now();
    for (const id of list.orderIds) {
      const leg = this.orders.find((order) => order.orderId === id) as FakeOrder;
      leg.status = 'CANCELED';
      leg.updateTime = now;
    }
    list.listStatusType = 'ALL_DONE';
    list.listOrderStatus = 'ALL_DONE';
    list.transactionTime = now;
    for (const leg of this.legsOf(list)) this.reportOrder(leg, 'CANCELED');
    this.reportList(list);
    this.reportBalances(apiKey);
    const body = this.listResponse(list, true) as { orderReports: Record<string, unknown>[] };
    body.orderReports = body.orderReports.map((report) => ({
      ...report,
      origClientOrderId: report.clientOrderId,
      clientOrderId: `cancel${report.orderId}`,
    }));
    return body;
  }

  listResponse(list: FakeOrderList, withReports: boolean): unknown {
    const legs = list.orderIds.map((id) => this.orders.find((order) => order.orderId === id) as FakeOrder);
    return {
      orderListId: list.orderListId,
      contingencyType: 'OCO',
      listStatusType: list.listStatusType,
      listOrderStatus: list.listOrderStatus,
      listClientOrderId: list.listClientOrderId,
      transactionTime: list.transactionTime,
      symbol: list.symbol,
      orders: legs.map((leg) => ({
        symbol: leg.symbol,
        orderId: leg.orderId,
        clientOrderId: leg.clientOrderId,
      })),
      ...(withReports ? { orderReports: legs.map((leg) => this.orderResponse(leg, 'RESULT')) } : {}),
    };
  }
}
