import {
  assertOrderFits,
  type Balances,
  type Candle,
  type Clock,
  ConfigError,
  ConflictError,
  type Decimal,
  type DecimalString,
  dec,
  decimalStringSchema,
  ExchangeUnavailableError,
  type ExitReport,
  type ExitRequest,
  InsufficientFundsError,
  InvalidOrderError,
  type MarketOrderRequest,
  type MarketRules,
  NotFoundError,
  OrderNotFoundError,
  OrderRejectedError,
  type OrderReport,
  roundToTick,
  toDecimalString,
} from '@trd/core';
import type { PriceFeed } from '../feeds/price-feed';
import { BalanceBook } from './balance-book';
import { beyondLimit, limitReached, type PricePath, stopTradePrice, triggeredLeg } from './exit-trigger';

/** An order in the venue's ledger: market orders and both legs of every exit. */
export interface MockOrderRecord extends OrderReport {
  type: 'market' | 'take_profit' | 'stop_loss';
  /** When the venue accepted it, Unix ms. */
  placedAt: number;
  /** The exit pair it belongs to (legs only). */
  exitRef?: string;
}

export interface MockMarket {
  rules: MarketRules;
  feed: PriceFeed;
}

export interface MockVenueSettings {
  clock: Clock;
  markets: Map<string, MockMarket>;
  feeRate: Decimal;
  slippageBps: number;
  startingBalances: Record<string, DecimalString>;
  orderVisibilityDelayMs: number;
  reuseFilledClientOrderIds: boolean;
}

interface ExitRecord {
  exitRef: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: Decimal;
  takeProfit: Decimal;
  stopLoss: Decimal;
  /** Limit of the stop leg once triggered; none: the stop fills at whatever price it trades at. */
  stopLimit?: Decimal;
  placedAt: number;
  /** Open time of the last bar already matched against the legs. */
  checkedThrough: number;
  /** `triggered`: the stop leg is a working limit order at `stopLimit`, the take profit expired. */
  state: ExitReport['state'];
  lockedAsset: string;
  lockedAmount: Decimal;
  takeProfitOrder: MockOrderRecord;
  stopLossOrder: MockOrderRecord;
  leg?: 'take_profit' | 'stop_loss';
  account: AccountState;
}

interface AccountState {
  book: BalanceBook;
  orders: MockOrderRecord[];
  exits: Map<string, ExitRecord>;
}

interface PriceOverride {
  price: number;
  /** The feed bar it replaces the close of; a newer bar ends the override. */
  barOpenTime: number | undefined;
}

const clientIdPattern = /^[.A-Za-z0-9:/_-]{1,36}$/;

/**
 * The simulated venue's state and rules. Nothing runs on a timer: every call first catches the
 * market up to the clock (`sync`), matching each new bar's high/low against open exits in order.
 */
export class MockVenue {
  private readonly accounts = new Map<string, AccountState>();
  private readonly openExitsBySymbol = new Map<string, Set<ExitRecord>>();
  private readonly overrides = new Map<string, PriceOverride>();
  /** Open time of the newest bar already matched against each symbol's open exits. */
  private readonly syncedBarBySymbol = new Map<string, number>();
  private nextOrderId = 1;
  private nextExitId = 1;

  constructor(private readonly settings: MockVenueSettings) {}

  now(): number {
    return this.settings.clock.now();
  }

  symbols(): string[] {
    return [...this.settings.markets.keys()];
  }

  market(symbol: string): MockMarket {
    const market = this.settings.markets.get(symbol);
    if (!market) throw new NotFoundError(`the mock venue has no market ${symbol}`);
    return market;
  }

  rules(symbol: string): MarketRules {
    return { ...this.market(symbol).rules };
  }

  candles(symbol: string, limit: number): Candle[] {
    const { feed } = this.market(symbol);
    const now = this.now();
    const bars = feed.barsUpTo(now, limit);
    const override = this.activeOverride(symbol, feed.currentBar(now));
    const last = bars.at(-1);
    if (override && last) {
      // A new object: a custom feed may hand out its own bars, which the override must not change.
      bars[bars.length - 1] = {
        ...last,
        close: override.price,
        high: Math.max(last.high, override.price),
        low: Math.min(last.low, override.price),
      };
    }
    return bars;
  }

  /** Last price: the close of the current bar, or the price set with `setPrice` during it. */
  price(symbol: string): number {
    const { feed } = this.market(symbol);
    const bar = feed.currentBar(this.now());
    const override = this.activeOverride(symbol, bar);
    if (override) return override.price;
    if (!bar)
      throw new ExchangeUnavailableError(
        `${symbol} has no market data yet at ${new Date(this.now()).toISOString()}`,
      );
    return bar.close;
  }

  /** Moves the last price now (until the next bar opens); open exits see it as part of the price path. */
  setPrice(symbol: string, price: number | DecimalString): void {
    const value = Number(price);
    if (!(value > 0)) throw new ConfigError(`setPrice needs a positive price, got ${String(price)}`);
    const { feed } = this.market(symbol);
    this.sync();
    this.overrides.set(symbol, { price: value, barOpenTime: feed.currentBar(this.now())?.openTime });
    // A jump is part of the price path: a jump past a stop is a gap, filled at the price jumped to.
    for (const exit of [...(this.openExitsBySymbol.get(symbol) ?? [])]) {
      this.matchExit(exit, { open: value, high: value, low: value }, this.now());
    }
  }

  /** Matches every bar opened since the last call against the open exits. */
  sync(): void {
    const now = this.now();
    for (const [symbol, exits] of this.openExitsBySymbol) {
      if (exits.size === 0) continue;
      const { feed } = this.market(symbol);
      // Every open exit has seen the bars up to the last synced one: nothing to do until a new bar opens.
      const current = feed.currentBar(now);
      if (!current || this.syncedBarBySymbol.get(symbol) === current.openTime) continue;
      let from = Number.POSITIVE_INFINITY;
      for (const exit of exits) from = Math.min(from, exit.checkedThrough);
      for (const bar of feed.barsBetween(from, now)) {
        for (const exit of [...exits]) {
          if (exit.checkedThrough >= bar.openTime) continue;
          exit.checkedThrough = bar.openTime;
          this.matchExit(exit, bar, bar.openTime);
        }
      }
      this.syncedBarBySymbol.set(symbol, current.openTime);
    }
  }

  balances(apiKey: string): Balances {
    this.sync();
    return this.account(apiKey).book.snapshot();
  }

  deposit(apiKey: string, asset: string, amount: DecimalString): void {
    const parsed = decimalStringSchema.safeParse(amount);
    if (!parsed.success || dec(amount).lte(0))
      throw new ConfigError(`deposit needs a positive decimal string, got ${amount}`);
    this.account(apiKey).book.credit(asset, amount);
  }

  orders(apiKey?: string): MockOrderRecord[] {
    this.sync();
    const accounts = apiKey === undefined ? [...this.accounts.values()] : [this.account(apiKey)];
    return accounts
      .flatMap((account) => account.orders)
      .sort((a, b) => Number(a.orderId) - Number(b.orderId))
      .map(copyOrder);
  }

  exits(apiKey?: string): ExitReport[] {
    this.sync();
    const accounts = apiKey === undefined ? [...this.accounts.values()] : [this.account(apiKey)];
    return accounts.flatMap((account) => [...account.exits.values()]).map(exitReport);
  }

  placeMarketOrder(apiKey: string, request: MarketOrderRequest): OrderReport {
    this.sync();
    const { rules } = this.marketForOrder(request.symbol);
    validateRequest(request);
    const account = this.account(apiKey);
    const previous = latest(account.orders, (order) => order.clientOrderId === request.clientOrderId);
    if (previous && (isOpen(previous) || !this.settings.reuseFilledClientOrderIds)) {
      throw new ConflictError(
        `client order id ${request.clientOrderId} is already used by order ${previous.orderId}`,
      );
    }
    const quantity = dec(request.quantity);
    const reference = dec(this.price(request.symbol));
    const slip = dec(this.settings.slippageBps).div(10_000);
    const fillPrice =
      request.side === 'buy'
        ? dec(roundToTick(reference.mul(dec(1).plus(slip)), rules.tickSize, 'up'))
        : dec(roundToTick(reference.mul(dec(1).minus(slip)), rules.tickSize, 'down'));
    assertOrderFits(rules, { quantity: request.quantity, price: toDecimalString(fillPrice) });
    const fill = this.settleFill(account.book, rules, request.side, quantity, fillPrice);
    const now = this.now();
    const order: MockOrderRecord = {
      orderId: String(this.nextOrderId++),
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      ...fill,
      updatedAt: now,
      type: 'market',
      placedAt: now,
    };
    account.orders.push(order);
    return toReport(order);
  }

  findOrder(apiKey: string, symbol: string, clientOrderId: string): OrderReport | null {
    this.sync();
    const visibleBefore = this.now() - this.settings.orderVisibilityDelayMs;
    const order = latest(
      this.account(apiKey).orders,
      (candidate) =>
        candidate.symbol === symbol &&
        candidate.clientOrderId === clientOrderId &&
        candidate.placedAt <= visibleBefore,
    );
    return order ? toReport(order) : null;
  }

  placeExit(apiKey: string, request: ExitRequest): ExitReport {
    this.sync();
    const { rules } = this.marketForOrder(request.symbol);
    validateRequest(request);
    const account = this.account(apiKey);
    const duplicate = [...account.exits.values()].find(
      (exit) => exit.clientOrderId === request.clientOrderId && isLive(exit),
    );
    // Binance refuses a second open list with the same id; answering with the open one keeps a retry harmless.
    if (duplicate) return exitReport(duplicate);
    for (const price of [
      request.takeProfit,
      request.stopLoss,
      ...(request.stopLimit ? [request.stopLimit] : []),
    ]) {
      if (!decimalStringSchema.safeParse(price).success)
        throw new InvalidOrderError(`exit price "${price}" is not a decimal string`);
      assertOrderFits(rules, { quantity: request.quantity, price });
    }
    const quantity = dec(request.quantity);
    const takeProfit = dec(request.takeProfit);
    const stopLoss = dec(request.stopLoss);
    const market = dec(this.price(request.symbol));
    const geometryOk =
      request.side === 'sell'
        ? stopLoss.lt(market) && takeProfit.gt(market)
        : stopLoss.gt(market) && takeProfit.lt(market);
    if (!geometryOk) {
      throw new OrderRejectedError(
        `The relationship of the prices for the orders is not correct (${request.side} exit: take profit ${request.takeProfit}, stop ${request.stopLoss}, market ${toDecimalString(market)})`,
        -2010,
      );
    }
    // A sell exit locks the base it sells; a buy exit locks the quote its dearest leg could cost.
    const worstBuyPrice = maxDecimal(stopLoss, request.stopLimit ? dec(request.stopLimit) : stopLoss);
    const lockedAsset = request.side === 'sell' ? rules.baseAsset : rules.quoteAsset;
    const lockedAmount = request.side === 'sell' ? quantity : quantity.mul(worstBuyPrice);
    account.book.lock(lockedAsset, lockedAmount);
    const now = this.now();
    const exitRef = String(this.nextExitId++);
    const leg = (type: 'take_profit' | 'stop_loss'): MockOrderRecord => ({
      orderId: String(this.nextOrderId++),
      clientOrderId: `${request.clientOrderId}-${type === 'take_profit' ? 'tp' : 'sl'}`.slice(-36),
      symbol: request.symbol,
      side: request.side,
      status: 'new',
      executedQuantity: '0',
      averagePrice: '0',
      quoteQuantity: '0',
      fees: [],
      updatedAt: now,
      type,
      placedAt: now,
      exitRef,
    });
    const exit: ExitRecord = {
      exitRef,
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      quantity,
      takeProfit,
      stopLoss,
      ...(request.stopLimit ? { stopLimit: dec(request.stopLimit) } : {}),
      placedAt: now,
      // The current bar's range happened (partly) before the exit existed: only later bars count.
      checkedThrough: this.market(request.symbol).feed.currentBar(now)?.openTime ?? now,
      state: 'open',
      lockedAsset,
      lockedAmount,
      takeProfitOrder: leg('take_profit'),
      stopLossOrder: leg('stop_loss'),
      account,
    };
    account.orders.push(exit.takeProfitOrder, exit.stopLossOrder);
    account.exits.set(exitRef, exit);
    this.openExits(request.symbol).add(exit);
    return exitReport(exit);
  }

  findExit(apiKey: string, symbol: string, clientOrderId: string): ExitReport | null {
    this.sync();
    const visibleBefore = this.now() - this.settings.orderVisibilityDelayMs;
    const exit = latest(
      [...this.account(apiKey).exits.values()],
      (candidate) =>
        candidate.symbol === symbol &&
        candidate.clientOrderId === clientOrderId &&
        candidate.placedAt <= visibleBefore,
    );
    return exit ? exitReport(exit) : null;
  }

  exitStatus(apiKey: string, symbol: string, exitRef: string): ExitReport {
    this.sync();
    return exitReport(this.exitOf(apiKey, symbol, exitRef));
  }

  cancelExit(apiKey: string, symbol: string, exitRef: string): ExitReport {
    this.sync();
    const exit = this.exitOf(apiKey, symbol, exitRef);
    if (isLive(exit)) {
      exit.account.book.unlock(exit.lockedAsset, exit.lockedAmount);
      exit.state = 'cancelled';
      // A triggered exit's take profit has already expired: only the working stop leg is cancelled.
      for (const order of [exit.takeProfitOrder, exit.stopLossOrder]) {
        if (!isOpen(order)) continue;
        order.status = 'cancelled';
        order.updatedAt = this.now();
      }
      this.openExits(exit.symbol).delete(exit);
    }
    return exitReport(exit);
  }

  private marketForOrder(symbol: string): MockMarket {
    const market = this.settings.markets.get(symbol);
    if (!market) throw new OrderRejectedError(`Invalid symbol ${symbol}`, -1121);
    return market;
  }

  private exitOf(apiKey: string, symbol: string, exitRef: string): ExitRecord {
    const exit = this.account(apiKey).exits.get(exitRef);
    if (!exit || exit.symbol !== symbol)
      throw new OrderNotFoundError(`no exit ${exitRef} on ${symbol} for this account`);
    return exit;
  }

  private account(apiKey: string): AccountState {
    let account = this.accounts.get(apiKey);
    if (!account) {
      account = { book: new BalanceBook(this.settings.startingBalances), orders: [], exits: new Map() };
      this.accounts.set(apiKey, account);
    }
    return account;
  }

  private openExits(symbol: string): Set<ExitRecord> {
    let exits = this.openExitsBySymbol.get(symbol);
    if (!exits) {
      exits = new Set();
      this.openExitsBySymbol.set(symbol, exits);
    }
    return exits;
  }

  private activeOverride(symbol: string, bar: Candle | undefined): PriceOverride | undefined {
    const override = this.overrides.get(symbol);
    if (!override) return undefined;
    if (override.barOpenTime !== bar?.openTime) {
      this.overrides.delete(symbol);
      return undefined;
    }
    return override;
  }

  /**
   * Trades an exit against a stretch of the price path. The take profit fills at its limit. The
   * stop trades at the stop, or at the open when the stretch opens beyond it (a gap); with a
   * `stopLimit` that price would miss, the stop leg instead becomes a working limit order at
   * `stopLimit` (`triggered`, the take profit expires, the lock stays) that fills when the path
   * comes back to it. A gap triggers at the open, so the rest of that bar can fill it already.
   */
  private matchExit(exit: ExitRecord, path: PricePath, at: number): void {
    if (exit.state === 'triggered') {
      if (limitReached(exit.side, exit.stopLimit!, path))
        this.fillLeg(exit, 'stop_loss', exit.stopLimit!, at);
      return;
    }
    if (exit.state !== 'open') return;
    const leg = triggeredLeg(exit, path);
    if (!leg) return;
    if (leg === 'take_profit') {
      this.fillLeg(exit, 'take_profit', exit.takeProfit, at);
      return;
    }
    const { price, gap } = stopTradePrice(exit, path, this.market(exit.symbol).rules.tickSize);
    if (exit.stopLimit && beyondLimit(exit.side, price, exit.stopLimit)) {
      exit.state = 'triggered';
      Object.assign(exit.takeProfitOrder, {
        status: 'expired',
        updatedAt: at,
      } satisfies Partial<MockOrderRecord>);
      exit.stopLossOrder.updatedAt = at;
      if (gap && limitReached(exit.side, exit.stopLimit, path))
        this.fillLeg(exit, 'stop_loss', exit.stopLimit, at);
      return;
    }
    this.fillLeg(exit, 'stop_loss', price, at);
  }

  /** Fills one leg at `price` and expires the other; the exit is done. */
  private fillLeg(exit: ExitRecord, leg: 'take_profit' | 'stop_loss', price: Decimal, at: number): void {
    const { rules } = this.market(exit.symbol);
    const filled = leg === 'take_profit' ? exit.takeProfitOrder : exit.stopLossOrder;
    const other = leg === 'take_profit' ? exit.stopLossOrder : exit.takeProfitOrder;
    // The leg pays from what the exit locked; a buy's unused margin over its fill goes back to free.
    exit.account.book.unlock(exit.lockedAsset, exit.lockedAmount);
    let fill: ReturnType<MockVenue['settleFill']>;
    try {
      fill = this.settleFill(exit.account.book, rules, exit.side, exit.quantity, price);
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      // A buy stop without a limit gapped above what the account can pay: the venue expires it.
      for (const order of [filled, other]) {
        if (isOpen(order))
          Object.assign(order, { status: 'expired', updatedAt: at } satisfies Partial<MockOrderRecord>);
      }
      exit.state = 'cancelled';
      this.openExits(exit.symbol).delete(exit);
      return;
    }
    Object.assign(filled, { ...fill, updatedAt: at } satisfies Partial<MockOrderRecord>);
    if (isOpen(other))
      Object.assign(other, { status: 'expired', updatedAt: at } satisfies Partial<MockOrderRecord>);
    exit.state = 'filled';
    exit.leg = leg;
    this.openExits(exit.symbol).delete(exit);
  }

  /**
   * Moves one fill through an account: the side paid leaves free balance, the side received arrives
   * net of the fee. Like Binance, the commission is taken from what the order receives: the base
   * asset on a buy, the quote asset on a sell.
   */
  private settleFill(
    book: BalanceBook,
    rules: MarketRules,
    side: 'buy' | 'sell',
    quantity: Decimal,
    price: Decimal,
  ): Pick<OrderReport, 'status' | 'executedQuantity' | 'averagePrice' | 'quoteQuantity' | 'fees'> {
    const value = quantity.mul(price);
    let fee: { amount: Decimal; asset: string };
    if (side === 'buy') {
      fee = { amount: quantity.mul(this.settings.feeRate), asset: rules.baseAsset };
      book.debit(rules.quoteAsset, value);
      book.credit(rules.baseAsset, quantity.minus(fee.amount));
    } else {
      fee = { amount: value.mul(this.settings.feeRate), asset: rules.quoteAsset };
      book.debit(rules.baseAsset, quantity);
      book.credit(rules.quoteAsset, value.minus(fee.amount));
    }
    return {
      status: 'filled',
      executedQuantity: toDecimalString(quantity),
      averagePrice: toDecimalString(price),
      quoteQuantity: toDecimalString(value),
      fees: [{ amount: toDecimalString(fee.amount), asset: fee.asset }],
    };
  }
}

function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

function validateRequest(request: { side: string; quantity: string; clientOrderId: string }): void {
  if (request.side !== 'buy' && request.side !== 'sell')
    throw new InvalidOrderError(`side must be buy or sell, got "${request.side}"`);
  if (!decimalStringSchema.safeParse(request.quantity).success) {
    throw new InvalidOrderError(`quantity "${request.quantity}" is not a decimal string`);
  }
  if (!clientIdPattern.test(request.clientOrderId)) {
    throw new InvalidOrderError(
      `client order id "${request.clientOrderId}" must be 1-36 chars of [.A-Za-z0-9:/_-]`,
    );
  }
}

/** Still working at the venue: both legs waiting, or the stop triggered and its limit waiting. */
function isLive(exit: ExitRecord): boolean {
  return exit.state === 'open' || exit.state === 'triggered';
}

function isOpen(order: OrderReport): boolean {
  return order.status === 'new' || order.status === 'partially_filled';
}

function latest<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return items[i];
  return undefined;
}

function copyOrder(order: MockOrderRecord): MockOrderRecord {
  return { ...order, fees: order.fees.map((fee) => ({ ...fee })) };
}

function toReport(order: MockOrderRecord): OrderReport {
  const { type: _type, placedAt: _placedAt, exitRef: _exitRef, ...report } = order;
  return { ...report, fees: report.fees.map((fee) => ({ ...fee })) };
}

function exitReport(exit: ExitRecord): ExitReport {
  const report: ExitReport = {
    exitRef: exit.exitRef,
    clientOrderId: exit.clientOrderId,
    symbol: exit.symbol,
    state: exit.state,
  };
  if (exit.leg) {
    report.leg = exit.leg;
    report.fill = toReport(exit.leg === 'take_profit' ? exit.takeProfitOrder : exit.stopLossOrder);
  }
  return report;
}
