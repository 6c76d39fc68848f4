import { dec, exitQuantityAfterEntry, OrderNotFoundError, roundOrderPrice, roundToTick } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createBinanceExchange } from '../src/index';

// Optional smoke test against the real Binance spot testnet: never in CI, only when keys are given.
const apiKey = process.env.BINANCE_TESTNET_API_KEY;
const secret = process.env.BINANCE_TESTNET_SECRET;

describe('Binance spot testnet (live)', () => {
  it.skipIf(!apiKey || !secret)(
    'reads market data, buys the minimum, places and cancels an OCO exit',
    async () => {
      const exchange = createBinanceExchange({ testnet: true });
      const account = exchange.account({ apiKey: apiKey as string, secret: secret as string });
      const rules = await exchange.marketData.rules('BTCUSDT');
      const price = await exchange.marketData.price('BTCUSDT');
      expect((await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 5 })).length).toBe(5);
      // About 1.5 × the minimum notional, on the step.
      const quantity = roundToTick(dec(rules.minNotional).mul(1.5).div(price), rules.stepSize, 'up');
      const entry = await account.placeMarketOrder({
        symbol: 'BTCUSDT',
        side: 'buy',
        quantity,
        clientOrderId: `trd-live-${Date.now()}`,
      });
      expect(entry.status).toBe('filled');
      const exit = await account.placeExit({
        symbol: 'BTCUSDT',
        side: 'sell',
        quantity: exitQuantityAfterEntry(rules, entry),
        takeProfit: roundOrderPrice(rules, dec(entry.averagePrice).mul('1.01').toString(), 'up'),
        stopLoss: roundOrderPrice(rules, dec(entry.averagePrice).mul('0.99').toString(), 'down'),
        clientOrderId: `trd-live-exit-${Date.now()}`,
      });
      expect(exit.state).toBe('open');
      expect((await account.cancelExit({ symbol: 'BTCUSDT', exitRef: exit.exitRef })).state).toBe(
        'cancelled',
      );
    },
    60_000,
  );

  // Whatever code the real API picks for an unknown order or order list (-2013, -2011, -2018…),
  // the adapter reads it as not-found (src/not-found-answers.ts).
  it.skipIf(!apiKey || !secret)(
    'reads an unknown order and an unknown order list as not-found',
    async () => {
      const exchange = createBinanceExchange({ testnet: true });
      const account = exchange.account({ apiKey: apiKey as string, secret: secret as string });
      const unknown = `trd-live-unknown-${Date.now()}`;
      expect(await account.findOrder('BTCUSDT', unknown)).toBeNull();
      expect(await account.findExit('BTCUSDT', unknown)).toBeNull();
      await expect(account.exitStatus({ symbol: 'BTCUSDT', exitRef: '987654321' })).rejects.toBeInstanceOf(
        OrderNotFoundError,
      );
      await expect(account.cancelExit({ symbol: 'BTCUSDT', exitRef: '987654321' })).rejects.toBeInstanceOf(
        OrderNotFoundError,
      );
    },
    60_000,
  );
});
