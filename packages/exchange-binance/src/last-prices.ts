import { type Clock, ExchangeUnavailableError, TrdError } from '@trd/core';
import type { CcxtBinance } from './ccxt-client';
import { abortable, type RetryOptions, retryRead } from './read-retry';

/**
 * A symbol whose price was asked within this long is priced with the others in one ticker read:
 * a few cycles, so the symbols of last minute's entries are in this minute's first read (a batch
 * costs 4 whatever it holds).
 */
const WATCH_MS = 5 * 60_000;

/**
 * Last prices (`GET /api/v3/ticker/price`), each reused for `maxAgeMs`. A read for one symbol
 * costs 2 weight, a read of any number with `symbols=[…]` 4 (rest-api.md:1650-1676), so when a
 * price is missing, every symbol asked for in the last five minutes whose price is not fresh is read
 * with it: a cycle with entries on 50 symbols costs about 4 a second instead of 2 per symbol. A
 * batch Binance refuses (a symbol delisted since: -1121 fails the whole request) falls back to
 * one read per symbol, so one bad symbol never takes the others' prices with it; a batch that
 * failed because the venue is down or the weight is spent fails its callers as one read would.
 */
export function createLastPrices(options: {
  client: CcxtBinance;
  clock: Clock;
  retry: RetryOptions;
  /** 0: no reuse, no batching; every call reads its own price. */
  maxAgeMs: number;
}) {
  const { client, clock, retry, maxAgeMs } = options;
  const cached = new Map<string, { at: number; price: Promise<number> }>();
  const askedAt = new Map<string, number>();

  const parsed = (symbol: string, ticker: unknown): number => {
    const price = Number((ticker as { price?: string } | undefined)?.price);
    // A 200 without a usable price is the venue's fault, not the caller's configuration (not retried).
    if (!Number.isFinite(price) || price <= 0)
      throw new ExchangeUnavailableError(`binance GET /api/v3/ticker/price: no price for ${symbol}`);
    return price;
  };
  const readOne = (symbol: string, signal?: AbortSignal): Promise<number> =>
    retryRead(clock, retry, () => client.publicGetTickerPrice({ symbol }), signal).then((ticker) =>
      parsed(symbol, ticker),
    );
  const keep = (symbol: string, price: Promise<number>) => {
    cached.set(symbol, { at: clock.now(), price });
    // A failed read is not reused.
    price.catch(() => {
      if (cached.get(symbol)?.price === price) cached.delete(symbol);
    });
  };
  const fresh = (symbol: string, now: number) => {
    const entry = cached.get(symbol);
    return entry !== undefined && now - entry.at < maxAgeMs;
  };

  return (symbol: string, signal?: AbortSignal): Promise<number> => {
    if (maxAgeMs <= 0) return abortable(readOne(symbol, signal), signal);
    const now = clock.now();
    askedAt.set(symbol, now);
    const hit = cached.get(symbol);
    if (hit && fresh(symbol, now)) return abortable(hit.price, signal);

    const due: string[] = [];
    for (const [watched, at] of askedAt) {
      if (now - at >= WATCH_MS) askedAt.delete(watched);
      else if (watched === symbol || !fresh(watched, now)) due.push(watched);
    }
    if (due.length === 1) {
      keep(symbol, readOne(symbol));
    } else {
      const batch = retryRead(clock, retry, () =>
        client.publicGetTickerPrice({ symbols: JSON.stringify(due) }),
      ).then((tickers) => new Map((tickers as { symbol: string }[]).map((t) => [t.symbol, t])));
      for (const each of due)
        keep(
          each,
          batch.then(
            (bySymbol) => parsed(each, bySymbol.get(each)),
            (error: unknown) => {
              // The venue down or the weight spent: one read per symbol would only add to it.
              if (TrdError.isInstance(error) && error.isRetryable) throw error;
              return readOne(each).catch((own: unknown) => {
                // Refused on its own too (delisted, unknown): it leaves the batch, or every later
                // batch would fail for it and fall back to one read per symbol.
                if (!(TrdError.isInstance(own) && own.isRetryable)) askedAt.delete(each);
                throw own;
              });
            },
          ),
        );
    }
    return abortable((cached.get(symbol) as { price: Promise<number> }).price, signal);
  };
}
