import { ConfigError } from '@trd/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinanceExchange } from '../src/index';
import { type LocalBinance, startLocalBinance, TEST_CREDENTIALS } from './local-binance';

let local: LocalBinance;
afterEach(() => local?.close());

describe('ccxt never reaches the internet', () => {
  it('a whole trade goes to the local Binance only, spot endpoints only, and the fake saw every request', async () => {
    local = await startLocalBinance({ balances: { USDT: '1000', BTC: '0' } });
    const { exchange, fake } = local;
    const account = exchange.account(TEST_CREDENTIALS);
    await exchange.marketData.rules('BTCUSDT');
    await exchange.marketData.candles('BTCUSDT', { interval: '1m', limit: 100 });
    await exchange.marketData.price('BTCUSDT');
    await account.balances();
    await account.placeMarketOrder({
      symbol: 'BTCUSDT',
      side: 'buy',
      quantity: '0.0015',
      clientOrderId: 'trd-iso-entry',
    });
    await account.findOrder('BTCUSDT', 'trd-iso-entry');
    const exit = await account.placeExit({
      symbol: 'BTCUSDT',
      side: 'sell',
      quantity: '0.00149',
      takeProfit: '63072.61',
      stopLoss: '62569.54',
      clientOrderId: 'trd-iso-exit',
    });
    await account.exitStatus({ symbol: 'BTCUSDT', exitRef: exit.exitRef });
    await account.findExit('BTCUSDT', 'trd-iso-exit');
    await account.cancelExit({ symbol: 'BTCUSDT', exitRef: exit.exitRef });

    expect(local.requestedUrls.length).toBeGreaterThan(10);
    for (const url of local.requestedUrls) expect(url.startsWith(`${fake.url}/api/v3/`), url).toBe(true);
    // What onRequest sees carries no signature.
    expect(local.requestedUrls.filter((url) => url.includes('signature=[redacted]')).length).toBeGreaterThan(
      5,
    );
    for (const signature of fake.ledger.map((entry) => entry.params.signature).filter(Boolean)) {
      expect(local.requestedUrls.join('\n')).not.toContain(signature);
    }
    expect(fake.ledger.map((entry) => `${entry.method} ${entry.path}`)).toHaveLength(
      local.requestedUrls.length,
    );
    expect(fake.ledger.every((entry) => entry.status === 200 || entry.path === '/api/v3/order')).toBe(true);
    // Markets were loaded once, spot only: no margin, capital, futures or time-sync calls.
    expect(fake.server.requests('GET', '/api/v3/exchangeInfo')).toHaveLength(1);
    expect(fake.ledger.some((entry) => /sapi|fapi|dapi|eapi|papi|\/time$/.test(entry.path))).toBe(false);
  });

  it('is the testnet unless told otherwise, and live only with testnet: false', async () => {
    const seen: string[] = [];
    const offline = async (url: string) => {
      seen.push(url);
      return new Response(JSON.stringify({ code: -1, msg: 'offline test' }), { status: 400 });
    };
    const testnet = createBinanceExchange({ fetch: offline, retry: { attempts: 1 } });
    expect(testnet.name).toBe('binance-testnet');
    await testnet.marketData.price('BTCUSDT').catch(() => undefined);
    await testnet
      .account(TEST_CREDENTIALS)
      .balances()
      .catch(() => undefined);
    const live = createBinanceExchange({ testnet: false, fetch: offline, retry: { attempts: 1 } });
    expect(live.name).toBe('binance');
    await live.marketData.price('BTCUSDT').catch(() => undefined);
    expect(seen.map((url) => new URL(url).origin + new URL(url).pathname)).toEqual([
      'https://testnet.binance.vision/api/v3/ticker/price',
      'https://testnet.binance.vision/api/v3/account',
      'https://api.binance.com/api/v3/ticker/price',
    ]);
  });

  it('makes no request until used, and needs keys for an account', () => {
    const seen: string[] = [];
    const exchange = createBinanceExchange({
      fetch: async (url) => {
        seen.push(url);
        throw new Error('unexpected');
      },
    });
    exchange.account(TEST_CREDENTIALS);
    expect(() => exchange.account()).toThrow(ConfigError);
    expect(() => createBinanceExchange({ recvWindowMs: 60_001 })).toThrow(ConfigError);
    const withKeys = createBinanceExchange({ ...TEST_CREDENTIALS, fetch: async () => new Response('{}') });
    expect(withKeys.account().capabilities.sellEntryNeedsInventory).toBe(true);
    expect(seen).toEqual([]);
  });
});
