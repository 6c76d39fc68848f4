import type { RiskViolation } from '../domain/risk-violation';
import { TrdError, type TrdErrorOptions } from '../errors';

/** A trade the risk manager refused; `violations` lists every rule that failed. */
export class RiskRejectedError extends TrdError {
  readonly violations: RiskViolation[];
  constructor(violations: RiskViolation[], options: TrdErrorOptions = {}) {
    super(
      'RISK_REJECTED',
      `trade rejected: ${violations.map((v) => `${v.code} (${v.message})`).join('; ')}`,
      options,
    );
    this.violations = violations;
  }
}
