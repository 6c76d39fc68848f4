import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, MONEY_PLACES } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import { InvalidOrderError } from '../errors';
import {
  assertExitFits,
  assertOrderFits,
  checkExit,
  checkOrder,
  exitQuantityAfterEntry,
  feesInQuote,
  roundOrderPrice,
  roundOrderQuantity,
} from './order-rules';

const btc: MarketRules = {
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  minQuantity: '0.00001',
  maxQuantity: '9000',
  minNotional: '5',
};

describe('order rules', () => {
  it('rounds quantity down to the step and price to the tick', () => {
    expect(roundOrderQuantity(btc, '0.000159999')).toBe('0.00015');
    expect(roundOrderPrice(btc, 63201.005)).toBe('63201.01');
    expect(roundOrderPrice(btc, '63201.019', 'down')).toBe('63201.01');
  });

  it('names each broken filter', () => {
    expect(checkOrder(btc, { quantity: '0.00015', price: '63201.01' })).toEqual([]);
    const failures = checkOrder(btc, { quantity: '0.000075', price: '63201.011' });
    expect(failures.map((f) => f.filter).sort()).toEqual(['LOT_SIZE', 'MIN_NOTIONAL', 'PRICE_FILTER']);
    expect(checkOrder(btc, { quantity: '0.00007', price: '63201' }).map((f) => f.filter)).toEqual([
      'MIN_NOTIONAL',
    ]);
    expect(() => assertOrderFits(btc, { quantity: '0.00007', price: '63201' })).toThrow(InvalidOrderError);
  });

  it('sells what the entry filled net of a base-asset fee', () => {
    const fill = {
      orderId: '1',
      clientOrderId: 'c',
      symbol: 'BTCUSDT',
      side: 'buy' as const,
      status: 'filled' as const,
      executedQuantity: '0.00100',
      averagePrice: '60000',
      quoteQuantity: '60',
      fees: [{ amount: '0.000001', asset: 'BTC' }],
      updatedAt: 0,
    };
    expect(exitQuantityAfterEntry(btc, fill)).toBe('0.00099');
    expect(feesInQuote(btc, fill.fees, '60000')).toBe('0.06');
    expect(feesInQuote(btc, [{ amount: '0.06', asset: 'USDT' }], '60000')).toBe('0.06');
  });

  it('rounds a base fee converted at an average price to the places a store keeps (half-even)', () => {
    // Binance: a commission of 8 places at an average of 12 (cummulativeQuoteQty / executedQty).
    const fee = [{ amount: '0.00001667', asset: 'BTC' }];
    // Exactly 0.99884542939988531667: 20 places, which numeric(36,18) refuses.
    expect(feesInQuote(btc, fee, '59918.742015590001')).toBe('0.998845429399885317');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 8 }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        (feeUnits, priceUnits) => {
          const amount = dec(feeUnits).div(1e8).toFixed();
          const price = dec(priceUnits.toString()).div(1e12).toFixed();
          const converted = feesInQuote(btc, [{ amount, asset: 'BTC' }], price);
          const exactValue = dec(amount).mul(price);
          expect(dec(converted).decimalPlaces()).toBeLessThanOrEqual(MONEY_PLACES);
          expect(dec(converted).minus(exactValue).abs().lte('0.0000000000000000005')).toBe(true);
        },
      ),
    );
  });

  describe('exit pairs', () => {
    const sell = { side: 'sell' as const, quantity: '0.00149', takeProfit: '63072.61', stopLoss: '62569.54' };
    const buy = { side: 'buy' as const, quantity: '0.00149', takeProfit: '62569.54', stopLoss: '63072.61' };
    const filters = (exit: Parameters<typeof checkExit>[1]) => checkExit(btc, exit).map((f) => f.filter);

    it('accepts legs on the right sides of each other and of the last price', () => {
      expect(checkExit(btc, sell)).toEqual([]);
      expect(checkExit(btc, { ...sell, stopLimit: '62569.54', lastPrice: '62883.95' })).toEqual([]);
      expect(checkExit(btc, { ...buy, stopLimit: '63100', lastPrice: '62883.95' })).toEqual([]);
    });

    it('checks the order filters on every leg, each failure once', () => {
      expect(filters({ ...sell, takeProfit: '63072.615' })).toEqual(['PRICE_FILTER']);
      expect(filters({ ...sell, stopLimit: '62500.001' })).toEqual(['PRICE_FILTER']);
      expect(filters({ ...sell, quantity: '0.001495' })).toEqual(['LOT_SIZE']);
      expect(filters({ ...sell, quantity: '0.00005' })).toEqual(['MIN_NOTIONAL', 'MIN_NOTIONAL']);
    });

    it('names legs on the wrong side of each other', () => {
      expect(checkExit(btc, { ...sell, takeProfit: '62000', stopLoss: '62500' })).toEqual([
        {
          filter: 'EXIT_LEGS',
          message: 'a sell exit needs take profit > stop loss; got take profit 62000, stop loss 62500',
        },
      ]);
      expect(checkExit(btc, { ...sell, stopLimit: '62600' })).toEqual([
        {
          filter: 'EXIT_LEGS',
          message:
            'a sell exit needs take profit > stop loss >= stop limit; got take profit 63072.61, stop loss 62569.54, stop limit 62600',
        },
      ]);
      expect(filters({ ...buy, stopLimit: '63000' })).toEqual(['EXIT_LEGS']);
      expect(filters({ ...buy, takeProfit: '63100' })).toEqual(['EXIT_LEGS']);
      expect(filters({ ...sell, takeProfit: '62569.54' })).toEqual(['EXIT_LEGS']);
    });

    it('with a last price, needs the take profit and the stop loss on either side of it', () => {
      expect(
        checkExit(btc, { ...sell, takeProfit: '62850', stopLoss: '62800', lastPrice: '62883.95' }),
      ).toEqual([
        {
          filter: 'EXIT_LAST_PRICE',
          message:
            'the take profit must be above the last price 62883.95 and the stop loss below it; got take profit 62850, stop loss 62800',
        },
      ]);
      expect(filters({ ...sell, lastPrice: '62569.54' })).toEqual(['EXIT_LAST_PRICE']);
      expect(filters({ ...buy, lastPrice: '62500' })).toEqual(['EXIT_LAST_PRICE']);
      expect(checkExit(btc, { ...buy, lastPrice: '63100' })[0]?.message).toMatch(
        /^the stop loss must be above the last price 63100 and the take profit below it/,
      );
    });

    it('assertExitFits throws InvalidOrderError naming every failure', () => {
      expect(() => assertExitFits(btc, sell)).not.toThrow();
      const error = (() => {
        try {
          assertExitFits(btc, { ...sell, takeProfit: '62000.001', stopLoss: '62500', lastPrice: '62883.95' });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InvalidOrderError);
      expect((error as Error).message).toBe(
        'BTCUSDT: PRICE_FILTER: price 62000.001 is not a multiple of the tick 0.01; EXIT_LEGS: a sell exit needs take profit > stop loss; got take profit 62000.001, stop loss 62500; EXIT_LAST_PRICE: the take profit must be above the last price 62883.95 and the stop loss below it; got take profit 62000.001, stop loss 62500',
      );
    });
  });
});
