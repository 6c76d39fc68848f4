import {
  AuthenticationError,
  ClockSkewError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  type MarketData,
  OrderNotFoundError,
  OrderRejectedError,
  OrderStatusUnknownError,
  RateLimitedError,
  type TradingAccount,
  TrdError,
  type TrdErrorCode,
} from '@trd/core';
import { mockAccountCapabilities } from '@trd/exchange-mock';

interface SerializedError {
  name: string;
  code?: TrdErrorCode;
  message: string;
  clientOrderId?: string;
  retryAfterMs?: number;
  venueCode?: string | number;
}

/** The venue served by `startVenueServer`, seen from an engine process. */
export interface RemoteVenue {
  marketData: MarketData;
  account(apiKey: string): TradingAccount;
  now(): Promise<number>;
  /** Moves the venue's clock forward and returns the new time. */
  advance(ms: number): Promise<number>;
}

function revive(error: SerializedError): Error {
  switch (error.name) {
    case 'ExchangeUnavailableError':
      return new ExchangeUnavailableError(error.message);
    case 'RateLimitedError':
      return new RateLimitedError(error.message, error.retryAfterMs);
    case 'OrderRejectedError':
      return new OrderRejectedError(error.message, error.venueCode);
    case 'InsufficientFundsError':
      return new InsufficientFundsError(error.message);
    case 'InvalidOrderError':
      return new InvalidOrderError(error.message);
    case 'OrderStatusUnknownError':
      return new OrderStatusUnknownError(error.message, error.clientOrderId ?? '');
    case 'OrderNotFoundError':
      return new OrderNotFoundError(error.message);
    case 'ClockSkewError':
      return new ClockSkewError(error.message);
    case 'AuthenticationError':
      return new AuthenticationError(error.message);
    default:
      return error.code ? new TrdError(error.code, error.message) : new Error(error.message);
  }
}

// AbortSignals cannot cross a process boundary; the options' other fields can.
function withoutSignals(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (typeof arg !== 'object' || arg === null || !('signal' in arg)) return arg;
    const { signal: _signal, ...rest } = arg as Record<string, unknown>;
    return rest;
  });
}

export function connectRemoteVenue(baseUrl: string): RemoteVenue {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    } catch (error) {
      throw new ExchangeUnavailableError('venue unreachable', { cause: error });
    }
    const payload = (await response.json()) as { ok: boolean; value?: unknown; error?: SerializedError };
    if (!payload.ok) throw revive(payload.error as SerializedError);
    return payload.value;
  };
  const call = (target: 'market' | 'account', method: string, args: unknown[], apiKey?: string) =>
    post('/call', { target, method, args: withoutSignals(args), apiKey });

  const marketData: MarketData = {
    specificationVersion: 'v1',
    candles: (...args) => call('market', 'candles', args) as ReturnType<MarketData['candles']>,
    price: (...args) => call('market', 'price', args) as ReturnType<MarketData['price']>,
    rules: (...args) => call('market', 'rules', args) as ReturnType<MarketData['rules']>,
  };

  return {
    marketData,
    account(apiKey) {
      const method =
        <K extends keyof TradingAccount>(name: K) =>
        (...args: unknown[]) =>
          call('account', name, args, apiKey);
      return {
        specificationVersion: 'v1',
        capabilities: mockAccountCapabilities,
        balances: method('balances') as TradingAccount['balances'],
        placeMarketOrder: method('placeMarketOrder') as TradingAccount['placeMarketOrder'],
        findOrder: method('findOrder') as TradingAccount['findOrder'],
        placeExit: method('placeExit') as TradingAccount['placeExit'],
        findExit: method('findExit') as TradingAccount['findExit'],
        exitStatus: method('exitStatus') as TradingAccount['exitStatus'],
        cancelExit: method('cancelExit') as TradingAccount['cancelExit'],
      };
    },
    now: () => post('/now', {}) as Promise<number>,
    advance: (ms) => post('/advance', { ms }) as Promise<number>,
  };
}
