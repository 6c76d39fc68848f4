/** Machine-readable reasons the risk manager refuses a trade. */
export type RiskViolationCode =
  | 'OPEN_POSITION'
  | 'DAILY_LIMIT'
  | 'LOW_CONFIDENCE'
  | 'LOW_BALANCE'
  | 'TRADE_VALUE_TOO_SMALL'
  | 'BELOW_MIN_NOTIONAL'
  /** The exit could not be placed: a leg would sell under the minimum notional (with the margin). */
  | 'EXIT_BELOW_MIN_NOTIONAL'
  /** The fee-aware rule (opt-in): the reward after both fees is under the multiple of the risk after them. */
  | 'LOW_REWARD_AFTER_FEES'
  | 'INVALID_STOP'
  | 'NO_INVENTORY'
  /**
   * The account cannot place the take-profit + stop-loss pair (`capabilities.ocoExits` false):
   * the engine never opens a position that nothing would protect.
   */
  | 'EXITS_UNSUPPORTED';

export interface RiskViolation {
  code: RiskViolationCode;
  message: string;
}
