import { ExchangeUnavailableError } from '@trd/core';
import { toTrdError } from './binance-errors';
import type { CcxtBinance } from './ccxt-client';

/** What one API key may do on its account, as Binance reports it. */
export interface BinanceKeyPermissions {
  /** `GET /api/v3/account` `canTrade` (rest-api.md:4207): the account may place orders. */
  canTrade: boolean;
  /** `GET /api/v3/account` `permissions` holds `SPOT` (rest-api.md:4227): spot symbols may be traded. */
  spot: boolean;
  /**
   * The key's own restrictions (`GET /sapi/v1/account/apiRestrictions`,
   * https://developers.binance.com/docs/wallet/account/api-key-permission), `undefined` where Binance
   * cannot tell: the spot testnet serves `/api` only (testnet/general-info.md lists no `/sapi`).
   */
  restrictions:
    | {
        /** The key may withdraw funds. */
        enableWithdrawals: boolean;
        /** The key may call TRADE endpoints (place and cancel orders). */
        enableSpotAndMarginTrading: boolean;
        /** The key works from a listed IP only. */
        ipRestrict: boolean;
      }
    | undefined;
}

/**
 * Reads a key's permissions with two signed requests (weight 20 + 1). A key Binance does not
 * accept throws core's `AuthenticationError` (-2014, -2015, -1022); a venue that does not answer,
 * `ExchangeUnavailableError`. Nothing of the key appears in either.
 */
export async function readKeyPermissions(
  client: CcxtBinance,
  options: { readRestrictions: boolean },
): Promise<BinanceKeyPermissions> {
  let account: unknown;
  try {
    account = await client.privateGetAccount({ omitZeroBalances: 'true' });
  } catch (error) {
    throw toTrdError(error, 'GET account');
  }
  const { canTrade, permissions } = (account ?? {}) as { canTrade?: unknown; permissions?: unknown };
  if (typeof canTrade !== 'boolean') {
    throw new ExchangeUnavailableError('binance GET /api/v3/account: no canTrade in the answer');
  }
  const spot = Array.isArray(permissions) && permissions.includes('SPOT');
  if (!options.readRestrictions) return { canTrade, spot, restrictions: undefined };
  let answer: unknown;
  try {
    // ccxt's implicit `sapiGet…` methods sign with the instance that defined them (the shared one,
    // which holds no keys): `request` on this account's client signs with its keys.
    answer = await client.request('account/apiRestrictions', 'sapi', 'GET', {});
  } catch (error) {
    throw toTrdError(error, 'GET account/apiRestrictions');
  }
  const raw = (answer ?? {}) as Record<string, unknown>;
  const flag = (name: string): boolean => {
    const value = raw[name];
    if (typeof value !== 'boolean') {
      throw new ExchangeUnavailableError(
        `binance GET /sapi/v1/account/apiRestrictions: no ${name} in the answer`,
      );
    }
    return value;
  };
  return {
    canTrade,
    spot,
    restrictions: {
      enableWithdrawals: flag('enableWithdrawals'),
      enableSpotAndMarginTrading: flag('enableSpotAndMarginTrading'),
      ipRestrict: flag('ipRestrict'),
    },
  };
}
