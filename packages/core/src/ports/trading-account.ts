import type { DecimalString } from '../decimal';
import type { TradeSide } from '../domain/signal';

/** Free and locked amounts of one asset. */
export interface AssetBalance {
  free: DecimalString;
  locked: DecimalString;
}

/** Balances by asset code (`USDT`, `BTC`, …). Assets with nothing may be absent. */
export type Balances = Record<string, AssetBalance>;

/** What an account can do; read by the engine, the risk manager and the conformance suite. */
export interface AccountCapabilities {
  /** Spot venues cannot short: a `sell` entry needs the base asset in the account. */
  readonly sellEntryNeedsInventory: boolean;
  /**
   * Exits are one-cancels-other pairs the venue manages (take profit + stop loss). When false, the
   * risk manager refuses every entry on the account (`EXITS_UNSUPPORTED`): the engine MUST NOT open a
   * position that nothing would protect, so it never calls `placeExit` there.
   */
  readonly ocoExits: boolean;
}

export interface Fee {
  amount: DecimalString;
  asset: string;
}

export type OrderStatus = 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';

/** An order as the venue reports it. */
export interface OrderReport {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: TradeSide;
  status: OrderStatus;
  /** Filled quantity, base units. */
  executedQuantity: DecimalString;
  /** Average fill price, quote units ('0' when nothing filled). */
  averagePrice: DecimalString;
  /** Filled value, quote units. */
  quoteQuantity: DecimalString;
  /** Fees charged, one entry per asset. */
  fees: Fee[];
  /** Last update, Unix ms. */
  updatedAt: number;
  raw?: unknown;
}

export interface MarketOrderRequest {
  symbol: string;
  side: TradeSide;
  /** Base units, already a multiple of the step size. */
  quantity: DecimalString;
  /** Deterministic client order id, at most 36 chars of `[A-Za-z0-9_-]`. */
  clientOrderId: string;
  /**
   * The caller guarantees this client order id was never sent before (it was journalled just now,
   * and an unknown outcome is looked up, never re-sent): an adapter MAY skip its look-before-send
   * duplicate check (on Binance a `GET order`, weight 4). Without it, an adapter MUST NOT place a
   * second order for a client id that already filled.
   */
  firstSend?: boolean;
  /**
   * A last price the caller read moments ago (the cycle's market snapshot): an adapter MAY run its
   * pre-send checks against it instead of reading the market again. The venue still judges the
   * order by its own prices.
   */
  lastPrice?: DecimalString;
}

export interface ExitRequest {
  symbol: string;
  /** Side of the EXIT orders: `sell` closes a long. */
  side: TradeSide;
  quantity: DecimalString;
  /** Limit price of the take-profit leg (a multiple of the tick size). */
  takeProfit: DecimalString;
  /** Trigger price of the stop-loss leg (a multiple of the tick size). */
  stopLoss: DecimalString;
  /** Limit price of the stop-loss leg once triggered; defaults to the venue adapter's choice near `stopLoss`. */
  stopLimit?: DecimalString;
  /** Deterministic client id of the exit pair (Binance's listClientOrderId). */
  clientOrderId: string;
  /**
   * A price the caller observed moments ago (the entry's fill, or the ticker it checked the pair
   * against): an adapter MAY check the pair against it instead of reading the ticker again. The
   * venue still judges the pair by its own last price.
   */
  lastPrice?: DecimalString;
}

export interface ExitReport {
  /** The venue's reference of the exit pair (Binance's orderListId). */
  exitRef: string;
  clientOrderId: string;
  symbol: string;
  /**
   * `open`: both legs waiting. `filled`: one leg filled (see `leg`, `fill`). `cancelled`: both
   * legs cancelled or expired with nothing filled. `triggered`: the stop leg triggered but its
   * limit has not filled (a gap past the stop limit): nothing protects the position any more.
   */
  state: 'open' | 'filled' | 'cancelled' | 'triggered';
  leg?: 'take_profit' | 'stop_loss';
  fill?: OrderReport;
  raw?: unknown;
}

export interface ExitRef {
  symbol: string;
  exitRef: string;
}

/**
 * A trading account at a venue: one per user's credentials.
 *
 * Contract:
 * - Amounts are decimal strings (base units for quantities, quote units for prices and values).
 * - `placeMarketOrder` MUST be idempotent on `clientOrderId` while the order is known to the
 *   venue: a second call with the same id MUST NOT create a second order (it MAY throw a
 *   `ConflictError` or return the first order). A market order MUST be reported `filled` with its
 *   average price and fees.
 * - When the outcome of a placement is unknown (timeout, lost response, 5xx after sending), the
 *   adapter MUST throw `OrderStatusUnknownError`, never a plain network error: the caller then
 *   looks the order up with `findOrder` before sending anything again.
 * - `findOrder` MUST return `null` only when the venue does not know the client id.
 * - `placeExit` places a take-profit + stop-loss pair where one cancels the other. It MUST reject
 *   (with `InvalidOrderError`, before sending) prices or quantities off tick/step or under the
 *   minimum notional; the engine rounds before calling. An account whose `capabilities.ocoExits`
 *   is false MAY throw `ConfigError` here: the engine opens no position on it.
 * - `exitStatus` MUST report which leg filled and the fill (price and fees), and `triggered` for a
 *   stop leg that triggered without filling.
 * - Every venue answer meaning "no such order / order list" MUST be read as not-found:
 *   `findOrder` / `findExit` return `null`, `exitStatus` / `cancelExit` throw `OrderNotFoundError`.
 * - `cancelExit` MUST be safe to call on an exit that is already done: it returns the final report.
 * - Errors MUST be core's typed errors; the adapter MUST NOT log or return its credentials.
 */
export interface TradingAccount {
  readonly specificationVersion: 'v1';
  readonly capabilities: AccountCapabilities;
  balances(options?: { signal?: AbortSignal }): Promise<Balances>;
  placeMarketOrder(request: MarketOrderRequest): Promise<OrderReport>;
  findOrder(symbol: string, clientOrderId: string): Promise<OrderReport | null>;
  placeExit(request: ExitRequest): Promise<ExitReport>;
  /** Looks an exit pair up by its client id (reconciliation after a crash); `null` if unknown. */
  findExit(symbol: string, clientOrderId: string): Promise<ExitReport | null>;
  exitStatus(ref: ExitRef): Promise<ExitReport>;
  cancelExit(ref: ExitRef): Promise<ExitReport>;
}
