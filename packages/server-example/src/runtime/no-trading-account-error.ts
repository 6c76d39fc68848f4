import { ConfigError } from '@trd/core';

const MESSAGES = {
  'no-credentials':
    'no exchange credentials: this server trades each user on their own account; store your API key and secret with PUT /account/exchange-credentials',
  'not-the-operator': 'single-operator mode: only the operator (SINGLE_OPERATOR_USER) trades on this server',
  'no-live-venue': 'this server runs the simulated exchange only: there is no live account to trade',
} as const;

/**
 * Why a user has no live account. The resolver throws this instead of lending anyone else's
 * keys: `no-credentials` (the user stored none) and `no-live-venue` map to 400, `not-the-operator`
 * (another user owns the server's keys in single-operator mode) to 403.
 */
export class NoTradingAccountError extends ConfigError {
  readonly statusCode: 400 | 403;
  constructor(readonly reason: keyof typeof MESSAGES) {
    super(MESSAGES[reason]);
    this.statusCode = reason === 'not-the-operator' ? 403 : 400;
  }
}
