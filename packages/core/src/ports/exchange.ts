import type { MarketData } from './market-data';
import type { TradingAccount } from './trading-account';

/**
 * The usual credentials at a venue: an API key and its secret. Adapters MUST NOT log, emit or
 * return them. A venue that needs another shape (OKX's passphrase) declares its own type and
 * returns `Exchange<ItsCredentials>`: the credentials belong to the venue, not to core.
 */
export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
}

/** What an exchange adapter's `createX()` returns; `Credentials` is the venue's shape of a key. */
export interface Exchange<Credentials = ExchangeCredentials> {
  readonly specificationVersion: 'v1';
  /** Venue name for logs and events, e.g. `binance-testnet`. */
  readonly name: string;
  readonly marketData: MarketData;
  /** The trading account for one set of credentials. MUST NOT make a network call. */
  account(credentials: Credentials): TradingAccount;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}
