import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock';
import { systemClock } from '../clock/system-clock';
import { type Decimal, dec, decimalStringSchema, roundToTick, toDecimalString } from '../decimal';
import { candleSchema } from '../domain/candle';
import { type MarketRules, marketRulesSchema } from '../domain/market-rules';
import { TrdError } from '../errors';
import { exitQuantityAfterEntry, roundOrderPrice } from '../exchange/order-rules';
import type { Exchange, ExchangeCredentials } from '../ports/exchange';
import type {
  Balances,
  ExitReport,
  ExitRequest,
  OrderReport,
  TradingAccount,
} from '../ports/trading-account';

/** One fresh venue for one test: every test calls `setup` and `teardown` itself. */
export interface ExchangeConformanceContext<Credentials = ExchangeCredentials> {
  exchange: Exchange<Credentials>;
  /**
   * Credentials of an account holding enough quote asset for a few small orders (≈ 100 USDT is
   * plenty), in the venue's own shape. No string in them (of 8 characters or more) may appear in a
   * report or an error message.
   */
  credentials: Credentials;
  /** A symbol with live prices, in the venue's syntax: `BTCUSDT`, `BTC-USDT`. */
  symbol: string;
  /** The venue's clock, to tell what "the future" is; default the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Moves the venue's last price (a fake venue's control); tests of exit fills skip without it. */
  movePrice?(price: number): Promise<void>;
  teardown?(): Promise<void> | void;
}

export interface ExchangeConformanceOptions<Credentials = ExchangeCredentials> {
  /** Adapter name shown in the test titles. */
  name: string;
  setup: () => Promise<ExchangeConformanceContext<Credentials>>;
}

/** An exit reference no venue has handed out: numeric, as venues with integer ids (Binance's orderListId) accept. */
const UNKNOWN_EXIT_REF = '987654321';

/** Error codes a venue may answer an order it cannot accept with. */
const refusalCodes = ['INVALID_ORDER', 'ORDER_REJECTED', 'INSUFFICIENT_FUNDS'];

/**
 * The behaviour every `Exchange` adapter MUST show (see the MarketData and TradingAccount
 * contracts). Call it from a test file of the adapter, then add the adapter's own cases:
 *
 * ```ts
 * runExchangeConformance({ name: 'binance (fake server)', setup: async () => ({ exchange, credentials, symbol: 'BTCUSDT' }) });
 * ```
 *
 * Tests needing a hook (`movePrice`) skip themselves when the context has none.
 */
export function runExchangeConformance<Credentials = ExchangeCredentials>(
  options: ExchangeConformanceOptions<Credentials>,
): void {
  /** Runs one test on a fresh venue, tearing it down whatever happens. */
  async function onVenue(
    test: (venue: Venue) => Promise<void>,
    skip?: (note: string) => void,
    needs?: 'movePrice',
  ) {
    const context = await options.setup();
    try {
      if (needs && !context[needs]) {
        skip?.(`the setup gives no ${needs} hook`);
        return;
      }
      await test(await openVenue(context));
    } finally {
      await context.teardown?.();
    }
  }

  describe(`exchange conformance: ${options.name}`, () => {
    describe('market data', () => {
      it('returns candles ascending, at most `limit`, none from the future', () =>
        onVenue(async ({ context }) => {
          for (const limit of [1, 5, 30]) {
            const candles = await context.exchange.marketData.candles(context.symbol, {
              interval: '1m',
              limit,
            });
            expect(candles.length).toBeGreaterThan(0);
            expect(candles.length).toBeLessThanOrEqual(limit);
            const now = (context.clock ?? systemClock).now();
            for (const [index, candle] of candles.entries()) {
              expect(candleSchema.safeParse(candle).success, `candle ${index} has the Candle shape`).toBe(
                true,
              );
              expect(candle.high).toBeGreaterThanOrEqual(Math.max(candle.open, candle.close, candle.low));
              expect(candle.low).toBeLessThanOrEqual(Math.min(candle.open, candle.close));
              expect(candle.openTime, 'no candle from the future').toBeLessThanOrEqual(now);
              if (index > 0) expect(candle.openTime).toBeGreaterThan(candles[index - 1]!.openTime);
            }
          }
        }));

      it('returns the last price as a positive number near the last close', () =>
        onVenue(async ({ context }) => {
          const price = await context.exchange.marketData.price(context.symbol);
          const [last] = await context.exchange.marketData.candles(context.symbol, {
            interval: '1m',
            limit: 1,
          });
          expect(Number.isFinite(price) && price > 0).toBe(true);
          expect(Math.abs(price - last!.close) / last!.close).toBeLessThan(0.1);
        }));

      it('returns the symbol rules as decimal strings with a positive tick and step', () =>
        onVenue(async ({ context, rules }) => {
          expect(marketRulesSchema.safeParse(rules).success).toBe(true);
          expect(rules.symbol).toBe(context.symbol);
          expect(rules.baseAsset.length).toBeGreaterThan(0);
          expect(rules.quoteAsset.length).toBeGreaterThan(0);
          expect(dec(rules.tickSize).gt(0)).toBe(true);
          expect(dec(rules.stepSize).gt(0)).toBe(true);
          expect(dec(rules.minNotional).gte(0)).toBe(true);
          expect(dec(rules.minQuantity).gte(0)).toBe(true);
        }));
    });

    describe('account', () => {
      it('reports balances as free and locked decimal strings, the quote asset funded', () =>
        onVenue(async ({ account, rules }) => {
          const balances = await account.balances();
          for (const [asset, balance] of Object.entries(balances)) {
            expect(
              decimalStringSchema.safeParse(balance.free).success,
              `${asset}.free is a decimal string`,
            ).toBe(true);
            expect(
              decimalStringSchema.safeParse(balance.locked).success,
              `${asset}.locked is a decimal string`,
            ).toBe(true);
            expect(dec(balance.free).gte(0) && dec(balance.locked).gte(0)).toBe(true);
          }
          expect(free(balances, rules.quoteAsset).gt(0), `the test account holds ${rules.quoteAsset}`).toBe(
            true,
          );
        }));

      it('fills a market buy with its average price, fees and a step-multiple quantity, and moves balances by exactly that', () =>
        onVenue(async (venue) => {
          const { account, rules } = venue;
          const before = await account.balances();
          const clientOrderId = uniqueId('buy');
          const report = await buy(venue, clientOrderId);
          expectFilledReport(report, rules, venue.entryQuantity);
          expect(report.clientOrderId).toBe(clientOrderId);
          expect(report.side).toBe('buy');
          expectNoCredentials(report, venue.context.credentials);
          expect(Math.abs(Number(report.averagePrice) - venue.price) / venue.price).toBeLessThan(0.05);
          const after = await account.balances();
          const baseFees = feeSum(report, rules.baseAsset);
          const quoteFees = feeSum(report, rules.quoteAsset);
          expect(toDecimalString(free(after, rules.baseAsset).minus(free(before, rules.baseAsset)))).toBe(
            toDecimalString(dec(report.executedQuantity).minus(baseFees)),
          );
          expect(toDecimalString(free(before, rules.quoteAsset).minus(free(after, rules.quoteAsset)))).toBe(
            toDecimalString(dec(report.quoteQuantity).plus(quoteFees)),
          );
        }));

      it('finds an order by client id, and answers null for an unknown id', () =>
        onVenue(async (venue) => {
          const clientOrderId = uniqueId('find');
          const placed = await buy(venue, clientOrderId);
          const found = await venue.account.findOrder(venue.context.symbol, clientOrderId);
          expect(found).not.toBeNull();
          expect(found).toMatchObject({
            orderId: placed.orderId,
            clientOrderId,
            status: 'filled',
            executedQuantity: placed.executedQuantity,
          });
          expect(await venue.account.findOrder(venue.context.symbol, uniqueId('unknown'))).toBeNull();
        }));

      it('rejects orders it cannot accept with a TrdError, keeping credentials out of the message', () =>
        onVenue(async (venue) => {
          const { account, context, rules } = venue;
          const tooSmall = toDecimalString(
            dec(rules.minQuantity).gt(0) ? dec(rules.minQuantity) : dec(rules.stepSize),
          );
          const tiny = await account
            .placeMarketOrder({
              symbol: context.symbol,
              side: 'buy',
              quantity: tooSmall,
              clientOrderId: uniqueId('tiny'),
            })
            .then(
              () => undefined,
              (error: unknown) => error,
            );
          // A venue whose minimum quantity is itself above the minimum notional has nothing to refuse here.
          if (dec(tooSmall).mul(venue.price).lt(rules.minNotional))
            expectTrdError(tiny, refusalCodes, context.credentials);
          const balances = await account.balances();
          const unaffordable = roundToTick(
            free(balances, rules.quoteAsset).mul(3).div(venue.price),
            rules.stepSize,
            'up',
          );
          const error = await account
            .placeMarketOrder({
              symbol: context.symbol,
              side: 'buy',
              quantity: unaffordable,
              clientOrderId: uniqueId('rich'),
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expectTrdError(error, refusalCodes, context.credentials);
        }));
    });

    // The contract: every venue answer meaning "no such order / order list" is read as not-found.
    describe('unknown orders and exits', () => {
      it('findOrder answers null for a client id the venue never saw', () =>
        onVenue(async ({ account, context }) => {
          expect(await account.findOrder(context.symbol, uniqueId('never-order'))).toBeNull();
        }));

      it('findExit answers null for a client id the venue never saw', () =>
        onVenue(async ({ account, context }) => {
          expect(await account.findExit(context.symbol, uniqueId('never-exit'))).toBeNull();
        }));

      it('exitStatus of an unknown exitRef throws OrderNotFoundError (ORDER_NOT_FOUND)', () =>
        onVenue(async ({ account, context }) => {
          const error = await account.exitStatus({ symbol: context.symbol, exitRef: UNKNOWN_EXIT_REF }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expectTrdError(error, ['ORDER_NOT_FOUND'], context.credentials);
        }));

      it('cancelExit of an unknown exitRef throws OrderNotFoundError (ORDER_NOT_FOUND)', () =>
        onVenue(async ({ account, context }) => {
          const error = await account.cancelExit({ symbol: context.symbol, exitRef: UNKNOWN_EXIT_REF }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expectTrdError(error, ['ORDER_NOT_FOUND'], context.credentials);
        }));
    });

    describe('exits', () => {
      it('places an exit that reports open, can be found by client id, and commits the quantity', () =>
        onVenue(async (venue) => {
          const { account, context, rules } = venue;
          const quantity = await enter(venue);
          const before = await account.balances();
          const clientOrderId = uniqueId('exit');
          const exit = await account.placeExit(sellExit(venue, quantity, clientOrderId));
          expect(exit).toMatchObject({ clientOrderId, symbol: context.symbol, state: 'open' });
          expectNoCredentials(exit, context.credentials);
          expect(typeof exit.exitRef).toBe('string');
          expect(await account.exitStatus({ symbol: context.symbol, exitRef: exit.exitRef })).toMatchObject({
            state: 'open',
          });
          expect(await account.findExit(context.symbol, clientOrderId)).toMatchObject({
            exitRef: exit.exitRef,
            state: 'open',
          });
          expect(await account.findExit(context.symbol, uniqueId('nothing'))).toBeNull();
          const after = await account.balances();
          expect(toDecimalString(free(before, rules.baseAsset).minus(free(after, rules.baseAsset)))).toBe(
            quantity,
          );
        }));

      it('does not create a second exit for a second placement with the client id of an open one', () =>
        onVenue(async (venue) => {
          const { account, context } = venue;
          const request = sellExit(venue, await enter(venue), uniqueId('twice'));
          const first = await account.placeExit(request);
          const afterFirst = await account.balances();
          // The contract allows either answer: the open exit again, or a typed refusal.
          const second = await account.placeExit(request).then(
            (report) => report,
            (error: unknown) => error,
          );
          if (TrdError.isInstance(second))
            expect(['CONFLICT', 'ORDER_REJECTED', 'INSUFFICIENT_FUNDS']).toContain(second.code);
          else expect((second as ExitReport).exitRef).toBe(first.exitRef);
          expect(await account.findExit(context.symbol, request.clientOrderId)).toMatchObject({
            exitRef: first.exitRef,
          });
          expect(await account.balances()).toEqual(afterFirst);
        }));

      it('rejects off-tick prices and under-minimum quantities with InvalidOrderError, before sending', () =>
        onVenue(async (venue) => {
          const { account, context, rules } = venue;
          const quantity = await enter(venue);
          const levels = exitLevels(venue);
          const before = await account.balances();
          const offTick = toDecimalString(dec(levels.takeProfit).plus(dec(rules.tickSize).div(2)));
          const tinyQuantity = roundToTick(
            dec(rules.minNotional).div(levels.takeProfit).div(4),
            rules.stepSize,
            'down',
          );
          const attempts = [
            { ...levels, takeProfit: offTick },
            { ...levels, stopLoss: toDecimalString(dec(levels.stopLoss).minus(dec(rules.tickSize).div(2))) },
            ...(dec(tinyQuantity).gt(0) && dec(rules.minNotional).gt(0)
              ? [{ ...levels, quantity: tinyQuantity }]
              : []),
          ];
          for (const attempt of attempts) {
            const clientOrderId = uniqueId('bad');
            const error = await account
              .placeExit({ quantity, ...attempt, symbol: context.symbol, side: 'sell', clientOrderId })
              .then(
                () => undefined,
                (caught: unknown) => caught,
              );
            expectTrdError(error, ['INVALID_ORDER'], context.credentials);
            expect(
              await account.findExit(context.symbol, clientOrderId),
              'nothing reached the venue',
            ).toBeNull();
          }
          expect(await account.balances()).toEqual(before);
        }));

      it('cancels an open exit, releasing the quantity, and answers a second cancel with the final report', () =>
        onVenue(async (venue) => {
          const { account, context, rules } = venue;
          const quantity = await enter(venue);
          const before = await account.balances();
          const exit = await account.placeExit(sellExit(venue, quantity, uniqueId('cancel')));
          const ref = { symbol: context.symbol, exitRef: exit.exitRef };
          expect(await account.cancelExit(ref)).toMatchObject({ exitRef: exit.exitRef, state: 'cancelled' });
          expect(await account.cancelExit(ref)).toMatchObject({ exitRef: exit.exitRef, state: 'cancelled' });
          expect(await account.exitStatus(ref)).toMatchObject({ state: 'cancelled' });
          expect(free(await account.balances(), rules.baseAsset).eq(free(before, rules.baseAsset))).toBe(
            true,
          );
        }));

      it('fills the take-profit leg when the price moves through it', ({ skip }) =>
        onVenue(
          async (venue) => {
            const { account, context, rules } = venue;
            const quantity = await enter(venue);
            const request = sellExit(venue, quantity, uniqueId('tp'));
            const exit = await account.placeExit(request);
            await context.movePrice!(Number(request.takeProfit) * 1.002);
            const report = await account.exitStatus({ symbol: context.symbol, exitRef: exit.exitRef });
            expect(report).toMatchObject({ state: 'filled', leg: 'take_profit' });
            expectFilledReport(report.fill!, rules, quantity);
            expect(
              dec(report.fill!.averagePrice).gte(request.takeProfit),
              'a limit sell fills at its price or better',
            ).toBe(true);
            expect(await account.cancelExit({ symbol: context.symbol, exitRef: exit.exitRef })).toMatchObject(
              {
                state: 'filled',
                leg: 'take_profit',
              },
            );
          },
          skip,
          'movePrice',
        ));

      it('fills the stop-loss leg when the price moves through it', ({ skip }) =>
        onVenue(
          async (venue) => {
            const { account, context, rules } = venue;
            const quantity = await enter(venue);
            const request = sellExit(venue, quantity, uniqueId('sl'));
            const exit = await account.placeExit(request);
            await context.movePrice!(Number(request.stopLoss) * 0.998);
            const report = await account.exitStatus({ symbol: context.symbol, exitRef: exit.exitRef });
            expect(report).toMatchObject({ state: 'filled', leg: 'stop_loss' });
            expectFilledReport(report.fill!, rules, quantity);
            expect(Number(report.fill!.averagePrice)).toBeLessThan(venue.price);
          },
          skip,
          'movePrice',
        ));
    });
  });
}

interface Venue {
  context: ExchangeConformanceContext<unknown>;
  account: TradingAccount;
  rules: MarketRules;
  price: number;
  /** A buy worth about twice the minimum notional (at least 10 quote units), on the step. */
  entryQuantity: string;
}

async function openVenue<Credentials>(context: ExchangeConformanceContext<Credentials>): Promise<Venue> {
  const rules = await context.exchange.marketData.rules(context.symbol);
  const price = await context.exchange.marketData.price(context.symbol);
  const value = maxDecimal(dec(rules.minNotional).mul(2), dec(10));
  const quantity = maxDecimal(
    dec(roundToTick(value.div(price), rules.stepSize, 'up')),
    dec(rules.minQuantity),
  );
  return {
    context,
    account: context.exchange.account(context.credentials),
    rules,
    price,
    entryQuantity: toDecimalString(quantity),
  };
}

function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

function buy(venue: Venue, clientOrderId: string): Promise<OrderReport> {
  return venue.account.placeMarketOrder({
    symbol: venue.context.symbol,
    side: 'buy',
    quantity: venue.entryQuantity,
    clientOrderId,
  });
}

/** Buys the venue's entry quantity; returns what an exit can sell of it (fees deducted, on the step). */
async function enter(venue: Venue): Promise<string> {
  return exitQuantityAfterEntry(venue.rules, await buy(venue, uniqueId('entry')));
}

/** A sell exit of `quantity` at `exitLevels`. */
function sellExit(venue: Venue, quantity: string, clientOrderId: string): ExitRequest {
  return { ...exitLevels(venue), symbol: venue.context.symbol, side: 'sell', quantity, clientOrderId };
}

/** Take profit 1% above and stop 1% below the last price, on the tick. */
function exitLevels(venue: Venue): { takeProfit: string; stopLoss: string } {
  return {
    takeProfit: roundOrderPrice(venue.rules, dec(venue.price).mul('1.01').toString(), 'up'),
    stopLoss: roundOrderPrice(venue.rules, dec(venue.price).mul('0.99').toString(), 'down'),
  };
}

function expectFilledReport(report: OrderReport, rules: MarketRules, quantity: string): void {
  expect(report.status).toBe('filled');
  expect(report.executedQuantity).toSatisfy((value: string) => dec(value).eq(quantity));
  expect(
    dec(report.executedQuantity).mod(rules.stepSize).isZero(),
    'executed quantity is a multiple of the step',
  ).toBe(true);
  expect(dec(report.averagePrice).gt(0)).toBe(true);
  const value = dec(report.executedQuantity).mul(report.averagePrice);
  expect(
    dec(report.quoteQuantity).minus(value).abs().lte(value.mul('0.000001')),
    'quote quantity = quantity × average price',
  ).toBe(true);
  expect(report.fees.length).toBeGreaterThan(0);
  for (const fee of report.fees) {
    expect(decimalStringSchema.safeParse(fee.amount).success).toBe(true);
    expect(dec(fee.amount).gte(0)).toBe(true);
    expect([rules.baseAsset, rules.quoteAsset]).toContain(fee.asset);
  }
}

function expectTrdError(error: unknown, codes: readonly string[], credentials: unknown): void {
  expect(TrdError.isInstance(error), `expected a TrdError, got ${String(error)}`).toBe(true);
  const trdError = error as TrdError;
  expect(codes).toContain(trdError.code);
  expectNoCredentials(trdError.message, credentials);
}

/** Reports (raw payloads included) never carry the account's credentials, whatever their shape. */
function expectNoCredentials(report: unknown, credentials: unknown): void {
  const text = JSON.stringify(report);
  // Very short test keys could match ordinary text by chance; real credentials are long.
  for (const [name, value] of Object.entries(credentials ?? {})) {
    if (typeof value === 'string' && value.length >= 8) {
      expect(text.includes(value), `the credentials' ${name} appears in a report`).toBe(false);
    }
  }
}

function free(balances: Balances, asset: string): Decimal {
  return dec(balances[asset]?.free ?? '0');
}

function feeSum(report: OrderReport, asset: string): Decimal {
  return report.fees.filter((fee) => fee.asset === asset).reduce((sum, fee) => sum.plus(fee.amount), dec(0));
}

let sequence = 0;
/**
 * Client ids unique within a run and across runs against a shared venue, in the syntax most venues
 * accept: letters and digits only, at most 32 characters (OKX: 1-32 alphanumerics; Binance: 36 of
 * [A-Za-z0-9._:/-]).
 */
function uniqueId(prefix: string): string {
  sequence += 1;
  return `conf${prefix.replace(/[^A-Za-z0-9]/g, '')}${sequence}${randomUUID().replaceAll('-', '').slice(0, 8)}`.slice(
    0,
    32,
  );
}
