import { ConfigError } from '@trd/core';

/**
 * Why a user has no account to trade with. The resolver throws this instead of lending anyone
 * else's keys: `no-credentials` (the user stored none) maps to 400, `not-the-operator` (another
 * user owns the server's keys in single-operator mode) to 403.
 */
export class NoTradingAccountError extends ConfigError {
  readonly statusCode: 400 | 403;
  constructor(readonly reason: 'no-credentials' | 'not-the-operator') {
    super(
      reason === 'no-credentials'
        ? 'no exchange credentials: this server trades each user on their own account; store your API key and secret with PUT /account/exchange-credentials'
        : 'single-operator mode: only the operator (SINGLE_OPERATOR_USER) trades on this server',
    );
    this.statusCode = reason === 'no-credentials' ? 400 : 403;
  }
}
