import { createHash } from 'node:crypto';
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
  OrderStatusUnknownError,
  roundToTick,
  toDecimalString,
} from '@trd/core';
import type { PriceFeed } from '../feeds/price-feed';
import { BalanceBook } from './balance-book';
import { beyondLimit, limitReached, type PricePath, stopTradePrice, triggeredLeg } from './exit-trigger';
import {
  VENUE_STATE_FORMAT,
  VENUE_STATE_VERSION,
  type VenueState,
  type VenueStateStore,
} from './venue-state';

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
  /** Where the state is loaded from at creation and saved to after every change; none: memory only. */
  stateStore?: VenueStateStore;
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
  /** Accounts by `accountKey(apiKey)`, so a saved state holds no credentials. */
  private readonly accounts = new Map<string, AccountState>();
  private readonly openExitsBySymbol = new Map<string, Set<ExitRecord>>();
  private readonly overrides = new Map<string, PriceOverride>();
  /** Open time of the newest bar already matched against each symbol's open exits. */
  private readonly syncedBarBySymbol = new Map<string, number>();
  private nextOrderId = 1;
  private nextExitId = 1;
  /** Something changed since the last save. */
  private changed = false;
  /** Public calls in progress (they call each other): the state is saved when the outermost ends. */
  private depth = 0;
  private lastSavedAt: number | undefined;

  constructor(private readonly settings: MockVenueSettings) {
    const saved = settings.stateStore?.load();
    if (saved) this.restore(saved);
  }

  /** The venue clock's time when the state was last saved (or saved by the process before); none if never. */
  stateSavedAt(): number | undefined {
    return this.lastSavedAt;
  }

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
    return this.persisting('candles', undefined, () => {
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
    });
  }

  /** Last price: the close of the current bar, or the price set with `setPrice` during it. */
  price(symbol: string): number {
    return this.persisting('price', undefined, () => {
      const { feed } = this.market(symbol);
      const bar = feed.currentBar(this.now());
      const override = this.activeOverride(symbol, bar);
      if (override) return override.price;
      if (!bar)
        throw new ExchangeUnavailableError(
          `${symbol} has no market data yet at ${new Date(this.now()).toISOString()}`,
        );
      return bar.close;
    });
  }

  /** Moves the last price now (until the next bar opens); open exits see it as part of the price path. */
  setPrice(symbol: string, price: number | DecimalString): void {
    this.persisting('setPrice', undefined, () => {
      const value = Number(price);
      if (!(value > 0)) throw new ConfigError(`setPrice needs a positive price, got ${String(price)}`);
      const { feed } = this.market(symbol);
      this.sync();
      this.overrides.set(symbol, { price: value, barOpenTime: feed.currentBar(this.now())?.openTime });
      this.changed = true;
      // A jump is part of the price path: a jump past a stop is a gap, filled at the price jumped to.
      for (const exit of [...(this.openExitsBySymbol.get(symbol) ?? [])]) {
        this.matchExit(exit, { open: value, high: value, low: value }, this.now());
      }
    });
  }

  /** Matches every bar opened since the last call against the open exits. */
  sync(): void {
    this.persisting('sync', undefined, () => {
      const now = this.now();
      for (const [symbol, exits] of this.openExitsBySymbol) {
        if (exits.size === 0) continue;
        const { feed } = this.market(symbol);
        // Every open exit has seen the bars up to the last synced one: nothing to do until a new bar opens.
        const current = feed.currentBar(now);
        if (!current || this.syncedBarBySymbol.get(symbol) === current.openTime) continue;
        this.changed = true;
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
    });
  }

  balances(apiKey: string): Balances {
    return this.persisting('balances', undefined, () => {
      this.sync();
      return this.account(apiKey).book.snapshot();
    });
  }

  deposit(apiKey: string, asset: string, amount: DecimalString): void {
    this.persisting('deposit', undefined, () => {
      const parsed = decimalStringSchema.safeParse(amount);
      if (!parsed.success || dec(amount).lte(0))
        throw new ConfigError(`deposit needs a positive decimal string, got ${amount}`);
      this.account(apiKey).book.credit(asset, amount);
      this.changed = true;
    });
  }

  orders(apiKey?: string): MockOrderRecord[] {
    return this.persisting('orders', undefined, () => {
      this.sync();
      const accounts = apiKey === undefined ? [...this.accounts.values()] : [this.account(apiKey)];
      return accounts
        .flatMap((account) => account.orders)
        .sort((a, b) => Number(a.orderId) - Number(b.orderId))
        .map(copyOrder);
    });
  }

  exits(apiKey?: string): ExitReport[] {
    return this.persisting('exits', undefined, () => {
      this.sync();
      const accounts = apiKey === undefined ? [...this.accounts.values()] : [this.account(apiKey)];
      return accounts.flatMap((account) => [...account.exits.values()]).map(exitReport);
    });
  }

  placeMarketOrder(apiKey: string, request: MarketOrderRequest): OrderReport {
    return this.persisting('placeMarketOrder', request.clientOrderId, () => {
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
      this.changed = true;
      return toReport(order);
    });
  }

  findOrder(apiKey: string, symbol: string, clientOrderId: string): OrderReport | null {
    return this.persisting('findOrder', undefined, () => {
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
    });
  }

  placeExit(apiKey: string, request: ExitRequest): ExitReport {
    return this.persisting('placeExit', request.clientOrderId, () => {
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
      this.changed = true;
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
    });
  }

  findExit(apiKey: string, symbol: string, clientOrderId: string): ExitReport | null {
    return this.persisting('findExit', undefined, () => {
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
    });
  }

  exitStatus(apiKey: string, symbol: string, exitRef: string): ExitReport {
    return this.persisting('exitStatus', undefined, () => {
      this.sync();
      return exitReport(this.exitOf(apiKey, symbol, exitRef));
    });
  }

  cancelExit(apiKey: string, symbol: string, exitRef: string): ExitReport {
    return this.persisting('cancelExit', undefined, () => {
      this.sync();
      const exit = this.exitOf(apiKey, symbol, exitRef);
      if (isLive(exit)) {
        this.changed = true;
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
    });
  }

  /**
   * Runs one public call; when it (and the calls it makes) changed anything, saves the state
   * before answering. A failed save fails the call: a placement with `OrderStatusUnknownError`
   * (it happened in this process; look it up before sending again), anything else with
   * `ExchangeUnavailableError`. The change stays pending and the next call saves it again.
   */
  private persisting<T>(operation: string, clientOrderId: string | undefined, body: () => T): T {
    const store = this.settings.stateStore;
    if (!store) return body();
    this.depth++;
    try {
      return body();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.changed) this.save(store, operation, clientOrderId);
    }
  }

  private save(store: VenueStateStore, operation: string, clientOrderId: string | undefined): void {
    const state = this.exportState();
    try {
      store.save(state);
    } catch (error) {
      const message = `the mock venue could not save its state after ${operation}: ${error instanceof Error ? error.message : String(error)}`;
      if (clientOrderId !== undefined)
        throw new OrderStatusUnknownError(message, clientOrderId, { cause: error });
      throw new ExchangeUnavailableError(message, { cause: error });
    }
    this.changed = false;
    this.lastSavedAt = state.savedAt;
  }

  /** The whole venue as plain JSON: exact decimals as strings. */
  exportState(): VenueState {
    return {
      format: VENUE_STATE_FORMAT,
      version: VENUE_STATE_VERSION,
      savedAt: this.now(),
      nextOrderId: this.nextOrderId,
      nextExitId: this.nextExitId,
      accounts: [...this.accounts].map(([account, state]) => ({
        account,
        balances: state.book.snapshot(),
        orders: state.orders.map(copyOrder),
        exits: [...state.exits.values()].map((exit) => ({
          exitRef: exit.exitRef,
          clientOrderId: exit.clientOrderId,
          symbol: exit.symbol,
          side: exit.side,
          quantity: toDecimalString(exit.quantity),
          takeProfit: toDecimalString(exit.takeProfit),
          stopLoss: toDecimalString(exit.stopLoss),
          ...(exit.stopLimit ? { stopLimit: toDecimalString(exit.stopLimit) } : {}),
          placedAt: exit.placedAt,
          checkedThrough: exit.checkedThrough,
          state: exit.state,
          lockedAsset: exit.lockedAsset,
          lockedAmount: toDecimalString(exit.lockedAmount),
          takeProfitOrderId: exit.takeProfitOrder.orderId,
          stopLossOrderId: exit.stopLossOrder.orderId,
          ...(exit.leg ? { leg: exit.leg } : {}),
        })),
      })),
      priceOverrides: [...this.overrides].map(([symbol, override]) => ({
        symbol,
        price: toDecimalString(override.price),
        barOpenTime: override.barOpenTime ?? null,
      })),
      syncedBars: Object.fromEntries(this.syncedBarBySymbol),
    };
  }

  /** Takes over a saved state (at creation). @throws ConfigError when it does not hang together. */
  private restore(state: VenueState): void {
    const problem = (message: string) => new ConfigError(`mock venue state: ${message}`);
    let highestOrderId = 0;
    let highestExitId = 0;
    for (const saved of state.accounts) {
      if (this.accounts.has(saved.account)) throw problem(`account ${saved.account} appears twice`);
      const book = new BalanceBook();
      for (const [asset, amounts] of Object.entries(saved.balances)) book.restore(asset, amounts);
      const orders: MockOrderRecord[] = saved.orders.map((order) => ({
        ...order,
        fees: order.fees.map((fee) => ({ ...fee })),
      }));
      const byId = new Map(orders.map((order) => [order.orderId, order]));
      for (const order of orders) highestOrderId = Math.max(highestOrderId, Number(order.orderId));
      const account: AccountState = { book, orders, exits: new Map() };
      for (const exit of saved.exits) {
        const takeProfitOrder = byId.get(exit.takeProfitOrderId);
        const stopLossOrder = byId.get(exit.stopLossOrderId);
        if (!takeProfitOrder || !stopLossOrder)
          throw problem(`exit ${exit.exitRef} names leg orders its account does not have`);
        const record: ExitRecord = {
          exitRef: exit.exitRef,
          clientOrderId: exit.clientOrderId,
          symbol: exit.symbol,
          side: exit.side,
          quantity: dec(exit.quantity),
          takeProfit: dec(exit.takeProfit),
          stopLoss: dec(exit.stopLoss),
          ...(exit.stopLimit ? { stopLimit: dec(exit.stopLimit) } : {}),
          placedAt: exit.placedAt,
          checkedThrough: exit.checkedThrough,
          state: exit.state,
          lockedAsset: exit.lockedAsset,
          lockedAmount: dec(exit.lockedAmount),
          takeProfitOrder,
          stopLossOrder,
          ...(exit.leg ? { leg: exit.leg } : {}),
          account,
        };
        if (record.state === 'triggered' && !record.stopLimit)
          throw problem(`exit ${exit.exitRef} is triggered but has no stop limit`);
        if (record.state === 'filled' && !record.leg)
          throw problem(`exit ${exit.exitRef} is filled but names no leg`);
        account.exits.set(record.exitRef, record);
        highestExitId = Math.max(highestExitId, Number(record.exitRef));
        if (isLive(record)) {
          if (!this.settings.markets.has(record.symbol)) {
            throw problem(
              `exit ${record.exitRef} is still open on ${record.symbol}, which this venue does not trade`,
            );
          }
          this.openExits(record.symbol).add(record);
        }
      }
      this.accounts.set(saved.account, account);
    }
    if (state.nextOrderId <= highestOrderId || state.nextExitId <= highestExitId)
      throw problem('the next order or exit id is not above the ids already used');
    this.nextOrderId = state.nextOrderId;
    this.nextExitId = state.nextExitId;
    for (const override of state.priceOverrides) {
      this.overrides.set(override.symbol, {
        price: Number(override.price),
        barOpenTime: override.barOpenTime ?? undefined,
      });
    }
    for (const [symbol, openTime] of Object.entries(state.syncedBars))
      this.syncedBarBySymbol.set(symbol, openTime);
    this.lastSavedAt = state.savedAt;
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
    const key = accountKey(apiKey);
    let account = this.accounts.get(key);
    if (!account) {
      account = { book: new BalanceBook(this.settings.startingBalances), orders: [], exits: new Map() };
      this.accounts.set(key, account);
      this.changed = true;
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
      this.changed = true;
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

/** How an account is known inside the venue and in its state file: never the API key itself. */
function accountKey(apiKey: string): string {
  return `sha256:${createHash('sha256').update(apiKey).digest('hex')}`;
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
