import { type ExchangeCredentials, TrdError } from '@trd/core';
import type { BinanceKeyPermissions } from '@trd/exchange-binance';

/** Keys the server will not keep, and why (422: well-formed, but not keys this server may hold). */
export class CredentialsRefusedError extends Error {
  readonly statusCode = 422;
  constructor(reason: string) {
    super(`exchange credentials refused: ${reason}`);
    this.name = 'CredentialsRefusedError';
  }
}

/**
 * Checks keys against the venue before they are stored. Resolves with warnings worth showing the
 * user (nothing refused); throws `CredentialsRefusedError` for keys that do not authenticate,
 * cannot trade spot, or may withdraw; the venue's own errors (unavailable, rate-limited) pass on.
 */
export type CredentialsCheck = (credentials: ExchangeCredentials) => Promise<{ warnings: string[] }>;

/**
 * Binance's rules: the account can trade spot (`canTrade`, `SPOT`), and where Binance reports the
 * key's restrictions (not on the testnet), the key may trade and may not withdraw. A trade-only key
 * can still lose money through trades (the 3Commas leak): one not bound to an IP is a warning.
 */
export function createBinanceCredentialsCheck(exchange: {
  keyPermissions(credentials: ExchangeCredentials): Promise<BinanceKeyPermissions>;
}): CredentialsCheck {
  return async (credentials) => {
    let permissions: BinanceKeyPermissions;
    try {
      permissions = await exchange.keyPermissions(credentials);
    } catch (error) {
      if (TrdError.isInstance(error) && error.code === 'AUTHENTICATION') {
        throw new CredentialsRefusedError(
          "Binance did not accept them (wrong API key or secret, or this server's IP is not on the key's list)",
        );
      }
      throw error;
    }
    if (!permissions.canTrade)
      throw new CredentialsRefusedError('the account cannot trade (Binance reports canTrade: false)');
    if (!permissions.spot) throw new CredentialsRefusedError('the account has no SPOT permission');
    const restrictions = permissions.restrictions;
    if (!restrictions) {
      return {
        warnings: [
          'this venue does not report the key restrictions: make sure the key cannot withdraw and is restricted to this server IP',
        ],
      };
    }
    if (restrictions.enableWithdrawals) {
      throw new CredentialsRefusedError('the key allows withdrawals; create a key with withdrawals disabled');
    }
    if (!restrictions.enableSpotAndMarginTrading) {
      throw new CredentialsRefusedError('the key may not trade; enable "Spot & Margin Trading" on the key');
    }
    return {
      warnings: restrictions.ipRestrict
        ? []
        : ['the key is not restricted to an IP: restrict it to this server IP on Binance'],
    };
  };
}
