import exchangeInfo from '../fixtures/exchange-info.json' with { type: 'json' };
import { type BinanceAnswer, NOT_FOUND_ANSWERS } from './binance-api-error';
import { FakeBinanceServer, type FakeFault, type LedgerEntry } from './fake-binance-server';
import {
  FakeBinanceVenue,
  type FakeCandle,
  type FakeKeyPermissions,
  loadCandleCsv,
  TRADE_ONLY_KEY,
} from './fake-binance-venue';
import type { FakeUserDataStream } from './fake-user-data-stream';
import type { SymbolInfo } from './symbol-filters';

export type { BinanceAnswer, FakeCandle, FakeFault, FakeKeyPermissions, LedgerEntry, SymbolInfo };
export { NOT_FOUND_ANSWERS, TRADE_ONLY_KEY };

export interface FakeBinanceAccount {
  apiKey: string;
  secret: string;
  /** Free balances by asset, decimal strings. */
  balances: Record<string, string>;
  /** What the account and its key may do; default `TRADE_ONLY_KEY`. */
  permissions?: Partial<FakeKeyPermissions>;
}

export interface StartFakeBinanceOptions {
  /** The venue's clock (signed timestamps, weight windows, which candles exist). Defaults to `Date.now`. */
  now?: () => number;
  /**
   * The venue's clock runs this far ahead of `now` (negative: behind), ms, as if the client's clock
   * were off by as much. Changed later with `setClockOffset`. Default 0.
   */
  clockOffsetMs?: number;
  accounts?: FakeBinanceAccount[];
  /**
   * Shifts the fixture candles so the last one opens in the minute of this time (for tests on the
   * system clock). Without it, candles keep their real 2024/2022 times.
   */
  rebaseCandlesTo?: number;
  weightLimit?: number;
  commissionRate?: string;
  /** Orders and lists are invisible to lookups this long after creation. */
  visibilityDelayMs?: number;
  /**
   * More symbols, each a copy of an existing one's exchangeInfo entry and candles under a new name
   * (benchmarks on many symbols): `{ from: 'BTCUSDT', symbols: ['S01USDT', …] }`.
   */
  cloneSymbols?: { from: string; symbols: string[] };
  /** Answers every unknown order or order list with this instead of the documented answers (see `NOT_FOUND_ANSWERS`). */
  notFoundAnswer?: BinanceAnswer;
}

export interface FakeBinance {
  readonly url: string;
  readonly venue: FakeBinanceVenue;
  readonly server: FakeBinanceServer;
  readonly ledger: LedgerEntry[];
  fault(fault: FakeFault): void;
  setPrice(symbol: string, price: string | number, options?: { gap?: boolean }): void;
  /** Changes a symbol's exchangeInfo entry (status, orderTypes, ocoAllowed, filters) from now on. */
  updateSymbol(symbol: string, change: (info: SymbolInfo) => void): void;
  /** Pins the average price (avgPrice, MARKET notional, PERCENT_PRICE_BY_SIDE); `undefined` computes it again. */
  setAveragePrice(symbol: string, price: string | undefined): void;
  /** The WebSocket API user data stream (`${url}/ws-api/v3`): cut connections, hold events. */
  readonly stream: FakeUserDataStream;
  /** Moves the venue's clock this far from `now` (a client clock drifting): `GET /api/v3/time` and signed checks follow. */
  setClockOffset(offsetMs: number): void;
  close(): Promise<void>;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixtureCandles(rebaseTo?: number): Record<string, FakeCandle[]> {
  const candles = {
    BTCUSDT: loadCandleCsv(new URL('BTCUSDT-1m-2024-09-21-first-300.csv', FIXTURES)),
    ETHUSDT: loadCandleCsv(new URL('ETHUSDT-1m-2022-08-14-first-300.csv', FIXTURES)),
  };
  if (rebaseTo === undefined) return candles;
  const target = Math.floor(rebaseTo / 60_000) * 60_000;
  const rebased: Record<string, FakeCandle[]> = {};
  for (const [symbol, rows] of Object.entries(candles)) {
    const shift = target - (rows[rows.length - 1]?.openTime ?? target);
    rebased[symbol] = rows.map((row) => ({ ...row, openTime: row.openTime + shift }));
  }
  return rebased;
}

/** Starts the local Binance on 127.0.0.1 with a random port. */
export async function startFakeBinance(options: StartFakeBinanceOptions = {}): Promise<FakeBinance> {
  const clientNow = options.now ?? (() => Date.now());
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  const now = () => clientNow() + clockOffsetMs;
  const info = structuredClone(exchangeInfo) as unknown as { symbols: SymbolInfo[] };
  const candles = fixtureCandles(options.rebaseCandlesTo);
  if (options.cloneSymbols) {
    const { from, symbols } = options.cloneSymbols;
    const source = info.symbols.find((candidate) => candidate.symbol === from);
    if (!source) throw new Error(`fake Binance: no symbol ${from} to clone`);
    for (const symbol of symbols) {
      info.symbols.push({ ...structuredClone(source), symbol, baseAsset: symbol.replace(/USDT$/, '') });
      candles[symbol] = candles[from] ?? [];
    }
  }
  const venue = new FakeBinanceVenue({
    now,
    exchangeInfo: info,
    candles,
    commissionRate: options.commissionRate,
    visibilityDelayMs: options.visibilityDelayMs,
    notFoundAnswer: options.notFoundAnswer,
  });
  for (const account of options.accounts ?? [])
    venue.addAccount(account.apiKey, account.secret, account.balances, account.permissions);
  const server = new FakeBinanceServer({ venue, now, weightLimit: options.weightLimit });
  const url = await server.listen();
  return {
    url,
    venue,
    server,
    stream: server.stream as FakeUserDataStream,
    ledger: server.ledger,
    fault: (fault) => server.fault(fault),
    setPrice: (symbol, price, options) => venue.setPrice(symbol, price, options),
    updateSymbol: (symbol, change) => venue.updateSymbol(symbol, change),
    setAveragePrice: (symbol, price) => venue.setAveragePrice(symbol, price),
    setClockOffset: (offsetMs) => {
      clockOffsetMs = offsetMs;
    },
    close: () => server.close(),
  };
}
