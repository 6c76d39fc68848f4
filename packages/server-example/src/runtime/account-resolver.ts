import type { Exchange, TradingAccount } from '@trd/core';
import { ConfigError } from '@trd/core';
import type { CredentialCipher } from '../security/credential-cipher';
import type { UserRepository } from '../server/server-deps';

/**
 * Finds the account a user trades with. On the simulated exchange every user gets a paper
 * account of their own. On Binance a user's own stored keys are used, else the server's keys.
 */
export function createAccountResolver(options: {
  exchange: Exchange;
  simulated: boolean;
  users: Pick<UserRepository, 'getExchangeCredentials'>;
  cipher: CredentialCipher;
  serverCredentials: { apiKey: string; secret: string } | null;
}): (userId: string) => Promise<TradingAccount> {
  // Accounts hold clients; keep one per user for as long as their stored keys do not change.
  const cache = new Map<string, { sealed: string | null; account: TradingAccount }>();
  return async (userId) => {
    if (options.simulated) {
      const cached = cache.get(userId);
      if (cached) return cached.account;
      const account = options.exchange.account({ apiKey: `paper-${userId}`, secret: 'paper' });
      cache.set(userId, { sealed: null, account });
      return account;
    }
    const sealed = await options.users.getExchangeCredentials(userId);
    const cached = cache.get(userId);
    if (cached && cached.sealed === sealed) return cached.account;
    const credentials = sealed ? options.cipher.decrypt(userId, sealed) : options.serverCredentials;
    if (!credentials) {
      throw new ConfigError('no exchange credentials: set them with PUT /account/exchange-credentials');
    }
    const account = options.exchange.account(credentials);
    cache.set(userId, { sealed, account });
    return account;
  };
}
