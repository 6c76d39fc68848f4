import type { OpenPosition, PortfolioStats } from '@trd/core';

/**
 * An open position as a store returns it. A store written before positions had a protection
 * state (a schema one version behind core's) leaves `protection` out.
 */
export type StoredPosition = Omit<OpenPosition, 'protection'> & { protection?: OpenPosition['protection'] };

/** Portfolio stats as a store returns them; a store from before dust tracking leaves `dust` out. */
export type StoredPortfolio = Omit<PortfolioStats, 'dust'> & { dust?: PortfolioStats['dust'] };

/**
 * The position the API answers with. A position without a protection state gets core's rule
 * (`openPositionOf`): protected when an exit pair works (`exitRef`), else unprotected since it
 * opened. So a store one version behind never turns `/trading/positions` into a 500.
 */
export function presentPosition(position: StoredPosition): OpenPosition {
  if (position.protection !== undefined) return position as OpenPosition;
  const { exitRef, unprotectedSince, ...rest } = position;
  return exitRef === undefined
    ? { ...rest, protection: 'unprotected', unprotectedSince: unprotectedSince ?? position.openedAt }
    : { ...rest, protection: 'protected', exitRef };
}

/** The portfolio stats the API answers with: no dust when the store keeps none. */
export function presentPortfolio(stats: StoredPortfolio): PortfolioStats {
  return { ...stats, dust: stats.dust ?? [] };
}
