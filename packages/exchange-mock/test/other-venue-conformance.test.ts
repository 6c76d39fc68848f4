import {
  AuthenticationError,
  type Exchange,
  type ExitReport,
  InvalidOrderError,
  type MarketData,
  type OrderReport,
  type TradingAccount,
  tradingConfigSchema,
  VirtualClock,
} from '@trd/core';
import { runExchangeConformance } from '@trd/core/testing';
import { describe, expect, it } from 'vitest';
import { createMockExchange, loadReplayCandles } from '../src/index';

/**
 * A third venue, deliberately unlike Binance, to prove core and its conformance suite are
 * venue-neutral: credentials with a passphrase (OKX's shape), hyphenated symbols (`BTC-USDT`) and
 * client order ids of 1-32 letters and digits only (OKX's `clOrdId` rule). It is the simulated
 * venue behind a thin translation, as a real adapter is a thin layer over its venue's API.
 */
interface PassphraseCredentials {
  apiKey: string;
  secret: string;
  passphrase: string;
}

const CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;
const btc = loadReplayCandles('btcusdt-1m-2024-09-21');
const START = btc[30]!.openTime + 20_000;

function createHyphenVenue(options: { clock: VirtualClock; startingBalances?: Record<string, string> }) {
  const inner = createMockExchange({
    clock: options.clock,
    feeds: { BTCUSDT: { kind: 'replay', candles: btc } },
    startingBalances: options.startingBalances ?? { USDT: '1000' },
  });
  const toInner = (symbol: string) => symbol.replaceAll('-', '');
  const toOuter = (symbol: string) => (symbol === 'BTCUSDT' ? 'BTC-USDT' : symbol);
  const checkId = (clientOrderId: string) => {
    if (!CLIENT_ID.test(clientOrderId)) {
      throw new InvalidOrderError(
        `clOrdId must be 1-32 letters and digits, got ${JSON.stringify(clientOrderId)}`,
      );
    }
  };
  const order = (report: OrderReport): OrderReport => ({ ...report, symbol: toOuter(report.symbol) });
  const exit = (report: ExitReport): ExitReport => ({
    ...report,
    symbol: toOuter(report.symbol),
    ...(report.fill ? { fill: order(report.fill) } : {}),
  });
  const marketData: MarketData = {
    specificationVersion: 'v1',
    candles: (symbol, request) => inner.marketData.candles(toInner(symbol), request),
    price: (symbol, request) => inner.marketData.price(toInner(symbol), request),
    rules: async (symbol, request) => ({
      ...(await inner.marketData.rules(toInner(symbol), request)),
      symbol,
    }),
  };
  const exchange: Exchange<PassphraseCredentials> = {
    specificationVersion: 'v1',
    name: 'hyphen-venue',
    marketData,
    account(credentials): TradingAccount {
      if (!credentials.passphrase) throw new AuthenticationError('this venue needs a passphrase');
      const account = inner.account({ apiKey: credentials.apiKey, secret: credentials.secret });
      return {
        specificationVersion: 'v1',
        capabilities: account.capabilities,
        balances: (request) => account.balances(request),
        async placeMarketOrder(request) {
          checkId(request.clientOrderId);
          return order(await account.placeMarketOrder({ ...request, symbol: toInner(request.symbol) }));
        },
        async findOrder(symbol, clientOrderId) {
          if (!CLIENT_ID.test(clientOrderId)) return null;
          const found = await account.findOrder(toInner(symbol), clientOrderId);
          return found && order(found);
        },
        async placeExit(request) {
          checkId(request.clientOrderId);
          return exit(await account.placeExit({ ...request, symbol: toInner(request.symbol) }));
        },
        async findExit(symbol, clientOrderId) {
          if (!CLIENT_ID.test(clientOrderId)) return null;
          const found = await account.findExit(toInner(symbol), clientOrderId);
          return found && exit(found);
        },
        exitStatus: async (ref) => exit(await account.exitStatus({ ...ref, symbol: toInner(ref.symbol) })),
        cancelExit: async (ref) => exit(await account.cancelExit({ ...ref, symbol: toInner(ref.symbol) })),
      };
    },
  };
  return { exchange, inner };
}

runExchangeConformance<PassphraseCredentials>({
  name: 'a third venue (passphrase, BTC-USDT, 32 alphanumeric client ids)',
  setup: async () => {
    const clock = new VirtualClock(START);
    const { exchange, inner } = createHyphenVenue({ clock });
    return {
      exchange,
      credentials: {
        apiKey: 'okx-style-key',
        secret: 'okx-style-secret',
        passphrase: 'okx-style-passphrase',
      },
      symbol: 'BTC-USDT',
      clock,
      movePrice: async (price) => inner.setPrice('BTCUSDT', price),
    };
  },
});

describe('a venue unlike Binance, in core', () => {
  it("takes the venue's own credentials shape and symbol syntax", () => {
    const clock = new VirtualClock(START);
    const { exchange } = createHyphenVenue({ clock });
    expect(() => exchange.account({ apiKey: 'k', secret: 's', passphrase: '' })).toThrow(AuthenticationError);
    expect(tradingConfigSchema.parse({ userId: 'u', symbol: 'BTC-USDT' }).symbol).toBe('BTC-USDT');
    expect(tradingConfigSchema.safeParse({ userId: 'u', symbol: 'btc usdt' }).success).toBe(false);
  });
});
