import { type Decimal, type DecimalInput, dec, toDecimalString } from '../decimal';
import type { RiskViolation } from '../domain/risk-violation';
import type { TradeSide } from '../domain/signal';
import { roundTripAfterFees } from '../performance/round-trip-after-fees';

/**
 * The fee-aware rule (`RiskLimits.minRewardToRiskAfterFees`, off unless set): what the take
 * profit nets after the entry and exit fees must be at least `minimum` × what the stop loses
 * after them. Judged at the expected fill and the exit prices the venue will be sent. A tight
 * take profit can look like a reward of 0.6 R and be 0.14 R once 0.1% is paid on each side.
 * @returns the violation, or `null` when the rule passes.
 */
export function checkRewardToRiskAfterFees(input: {
  side: TradeSide;
  fillPrice: Decimal;
  takeProfit: DecimalInput;
  stopLoss: DecimalInput;
  feePercent: DecimalInput;
  minimum: DecimalInput;
}): RiskViolation | null {
  const { reward, risk } = roundTripAfterFees({
    side: input.side,
    entryPrice: input.fillPrice,
    takeProfit: input.takeProfit,
    stopLoss: input.stopLoss,
    feePercent: input.feePercent,
  });
  if (reward.gte(risk.mul(input.minimum))) return null;
  const ratio = risk.gt(0) ? reward.div(risk).toDecimalPlaces(4) : dec(0);
  return {
    code: 'LOW_REWARD_AFTER_FEES',
    message: `after ${toDecimalString(input.feePercent)}% fees a side the take profit nets ${toDecimalString(reward.toDecimalPlaces(8))} a unit against a stop losing ${toDecimalString(risk.toDecimalPlaces(8))}: ${toDecimalString(ratio)} R, below the minimum ${toDecimalString(input.minimum)} R`,
  };
}
