import type { DecimalString } from '../decimal';

/**
 * Engine-level limits that are not per-user settings: the reference bot's `MIN_ACCOUNT_BALANCE`
 * and `MIN_TRADE_VALUE` (quote units), and what the risk manager assumes about the fill and the
 * exit (percent) so that it never opens what cannot be closed.
 */
export interface RiskLimits {
  /** Smallest quote balance that may trade. Default 10 (USDT). */
  minBalance: DecimalString;
  /** Smallest trade value after sizing, capping and step flooring. Default 5 (USDT). */
  minTradeValue: DecimalString;
  /** Expected slippage of a market entry: sizing and the cap use price ± this. Default 0.1 (%). */
  slippagePercent: DecimalString;
  /** Trading fee the exit quantity is assumed to lose (a fee in the base asset). Default 0.1 (%). */
  feePercent: DecimalString;
  /** The stop leg's limit lies this far past its trigger (the worst exit price). Default 0.1 (%). */
  stopLimitOffsetPercent: DecimalString;
  /** Every exit leg must clear the venue's minimum notional by this much. Default 5 (%). */
  exitMarginPercent: DecimalString;
  /**
   * Opt-in fee-aware rule, off when unset (the default): refuse an entry whose take profit nets,
   * after `feePercent` on the entry and on the exit, less than this multiple of what its stop
   * loses after them (`"1"`: the win must pay at least what the loss costs). With the reference
   * exits (+0.3% / −0.5%, 0.1% a side) the ratio is 0.0997 / 0.6995 ≈ 0.14, so any minimum above
   * 0.14 refuses every entry until the exits are widened.
   */
  minRewardToRiskAfterFees?: DecimalString;
}

export const DEFAULT_RISK_LIMITS: Readonly<RiskLimits> = Object.freeze({
  minBalance: '10',
  minTradeValue: '5',
  slippagePercent: '0.1',
  feePercent: '0.1',
  stopLimitOffsetPercent: '0.1',
  exitMarginPercent: '5',
});
