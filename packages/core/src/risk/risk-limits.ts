import type { DecimalString } from '../decimal';

/**
 * Engine-level limits of the reference bot that are not per-user settings
 * (`MIN_ACCOUNT_BALANCE`, `MIN_TRADE_VALUE`), in quote units.
 */
export interface RiskLimits {
  /** Smallest quote balance that may trade. Default 10 (USDT). */
  minBalance: DecimalString;
  /** Smallest trade value after sizing, capping and step flooring. Default 5 (USDT). */
  minTradeValue: DecimalString;
}

export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  minBalance: '10',
  minTradeValue: '5',
});
