// @trd/exchange-binance: Binance spot through ccxt, testnet by default.

export { type BinanceFailure, mapBinanceFailure } from './binance-errors';
export {
  BINANCE_BACKEND_TIMEOUT_MS,
  type BinanceExchange,
  createBinanceExchange,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './binance-exchange';
export type { BinanceExchangeOptions, UserDataStreamSettings } from './binance-exchange-options';
export type { FetchFunction } from './binance-fetch';
export type { BinanceMarketData } from './binance-market-data';
export { BINANCE_SPOT_CAPABILITIES, type OrderLookupOptions } from './binance-trading-account';
export type { BinanceKeyPermissions } from './key-permissions';
export type { RetryOptions } from './read-retry';
export type { RequestWeightOptions, RequestWeightSnapshot } from './request-weight-governor';
export type { WebSocketFactory, WebSocketLike } from './web-socket';
