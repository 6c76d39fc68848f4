import type { MarketData } from './market-data';
import type { TradingAccount } from './trading-account';

/** A user's credentials at a venue. Adapters MUST NOT log, emit or return them. */
export interface ExchangeCredentials {
  apiKey: string;
  secret: string;
}

/** What an exchange adapter's `createX()` returns. */
export interface Exchange {
  readonly specificationVersion: 'v1';
  /** Venue name for logs and events, e.g. `binance-testnet`. */
  readonly name: string;
  readonly marketData: MarketData;
  /** The trading account for one set of credentials. MUST NOT make a network call. */
  account(credentials: ExchangeCredentials): TradingAccount;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}
