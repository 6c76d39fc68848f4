import {
  type AccountCapabilities,
  AuthenticationError,
  type Balances,
  type ExitRef,
  type ExitReport,
  type ExitRequest,
  type MarketOrderRequest,
  type OrderReport,
  SPOT_ACCOUNT_CAPABILITIES,
  type TradingAccount,
} from '@trd/core';
import type { FaultContext, MockFaults } from './faults/fault-injector';
import type { MockVenue } from './venue/mock-venue';

/** A spot account: selling needs the base asset, exits are venue-managed OCO pairs (core's `SPOT_ACCOUNT_CAPABILITIES`). */
export const mockAccountCapabilities: AccountCapabilities = SPOT_ACCOUNT_CAPABILITIES;

/** One set of credentials' view of the venue; every call goes through the fault switches. */
export function createMockTradingAccount(
  venue: MockVenue,
  faults: MockFaults,
  apiKey: string,
): TradingAccount {
  if (typeof apiKey !== 'string' || apiKey.length === 0)
    throw new AuthenticationError('the mock venue needs a non-empty apiKey');

  function call<T>(context: Omit<FaultContext, 'account'>, run: () => T): Promise<T> {
    return faults.run({ ...context, account: apiKey }, run);
  }

  return {
    specificationVersion: 'v1',
    capabilities: mockAccountCapabilities,
    async balances(options?: { signal?: AbortSignal }): Promise<Balances> {
      options?.signal?.throwIfAborted();
      return call({ operation: 'balances' }, () => venue.balances(apiKey));
    },
    placeMarketOrder(request: MarketOrderRequest): Promise<OrderReport> {
      return call(
        { operation: 'placeMarketOrder', symbol: request.symbol, clientOrderId: request.clientOrderId },
        () => venue.placeMarketOrder(apiKey, request),
      );
    },
    findOrder(symbol: string, clientOrderId: string): Promise<OrderReport | null> {
      return call({ operation: 'findOrder', symbol, clientOrderId }, () =>
        venue.findOrder(apiKey, symbol, clientOrderId),
      );
    },
    placeExit(request: ExitRequest): Promise<ExitReport> {
      return call(
        { operation: 'placeExit', symbol: request.symbol, clientOrderId: request.clientOrderId },
        () => venue.placeExit(apiKey, request),
      );
    },
    findExit(symbol: string, clientOrderId: string): Promise<ExitReport | null> {
      return call({ operation: 'findExit', symbol, clientOrderId }, () =>
        venue.findExit(apiKey, symbol, clientOrderId),
      );
    },
    exitStatus(ref: ExitRef): Promise<ExitReport> {
      return call({ operation: 'exitStatus', symbol: ref.symbol }, () =>
        venue.exitStatus(apiKey, ref.symbol, ref.exitRef),
      );
    },
    cancelExit(ref: ExitRef): Promise<ExitReport> {
      return call({ operation: 'cancelExit', symbol: ref.symbol }, () =>
        venue.cancelExit(apiKey, ref.symbol, ref.exitRef),
      );
    },
  };
}
