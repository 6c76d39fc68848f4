import type { Exchange, ExchangeCredentials, TradingAccount } from '@trd/core';
import type { CredentialCipher } from '../security/credential-cipher';
import type { UserRepository } from '../server/server-deps';
import type { LivePricedPaperVenue } from './live-priced-paper-venue';
import { NoTradingAccountError } from './no-trading-account-error';

/** The account each user trades with (what the engine calls), and their live one on its own. */
export interface AccountResolver {
  (userId: string): Promise<TradingAccount>;
  /** The user's live account whatever their mode: to check one exists before switching to live. */
  live(userId: string): Promise<TradingAccount>;
}

/**
 * Finds the account a user trades with, and never lends one user's account to another. On the
 * simulated exchange every user gets a paper account of their own. On a real venue a user in paper
 * mode trades on `paper` (the simulated venue at the real prices), and in live mode with their own
 * stored keys only; in single-operator mode the named operator, and no one else, trades live with
 * the server's keys.
 * @throws NoTradingAccountError when a live user has no account of their own.
 */
export function createAccountResolver(options: {
  exchange: Exchange;
  simulated: boolean;
  users: Pick<UserRepository, 'getExchangeCredentials' | 'findByUsername' | 'getTradingMode'>;
  cipher: CredentialCipher;
  /** Single-operator mode: the one username trading with `credentials`. `null`: off. */
  singleOperator: { username: string; credentials: ExchangeCredentials } | null;
  /** Paper accounts beside a real venue; without it every user on a real venue trades live. */
  paper?: LivePricedPaperVenue;
}): AccountResolver {
  // Accounts hold clients; keep one per user for as long as their stored keys do not change.
  const cache = new Map<
    string,
    { sealed: string | null; credentials?: ExchangeCredentials; account: TradingAccount }
  >();
  const paperAccounts = new Map<string, Promise<TradingAccount>>();
  let operatorId: string | undefined;
  const isOperator = async (userId: string): Promise<boolean> => {
    const operator = options.singleOperator;
    if (!operator) return false;
    // Resolved once: user ids never change, and the username is unique.
    operatorId ??= (await options.users.findByUsername(operator.username))?.id;
    return operatorId === userId;
  };

  const live = async (userId: string): Promise<TradingAccount> => {
    if (options.singleOperator) {
      // One account, one owner: anyone else trading on it would share its balance and positions.
      if (!(await isOperator(userId))) throw new NoTradingAccountError('not-the-operator');
      const cached = cache.get(userId);
      if (cached) return cached.account;
      const account = options.exchange.account(options.singleOperator.credentials);
      cache.set(userId, { sealed: null, account });
      return account;
    }
    const sealed = await options.users.getExchangeCredentials(userId);
    if (!sealed) {
      cache.delete(userId);
      throw new NoTradingAccountError('no-credentials');
    }
    const cached = cache.get(userId);
    if (cached && cached.sealed === sealed) return cached.account;
    const credentials = options.cipher.decrypt(userId, sealed);
    // Re-encrypted (a key rotation) but the same keys: the same account, its state kept.
    if (cached && sameKeys(cached.credentials, credentials)) {
      cache.set(userId, { ...cached, sealed });
      return cached.account;
    }
    const account = options.exchange.account(credentials);
    cache.set(userId, { sealed, credentials, account });
    return account;
  };

  const paper = (userId: string, venue: LivePricedPaperVenue): Promise<TradingAccount> => {
    let account = paperAccounts.get(userId);
    if (!account) {
      account = venue.account(userId);
      paperAccounts.set(userId, account);
      account.catch(() => paperAccounts.delete(userId));
    }
    return account;
  };

  const resolve = async (userId: string): Promise<TradingAccount> => {
    if (options.simulated) {
      const cached = cache.get(userId);
      if (cached) return cached.account;
      const account = options.exchange.account({ apiKey: `paper-${userId}`, secret: 'paper' });
      cache.set(userId, { sealed: null, account });
      return account;
    }
    if (options.paper && (await options.users.getTradingMode(userId)) !== 'live') {
      return paper(userId, options.paper);
    }
    return live(userId);
  };
  return Object.assign(resolve, {
    live: (userId: string) =>
      options.simulated ? Promise.reject(new NoTradingAccountError('no-live-venue')) : live(userId),
  });
}

function sameKeys(a: ExchangeCredentials | undefined, b: ExchangeCredentials): boolean {
  return a !== undefined && a.apiKey === b.apiKey && a.secret === b.secret;
}
