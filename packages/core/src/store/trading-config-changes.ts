import { type TradingConfig, tradingConfigSchema } from '../domain/trading-config';
import { ConfigError } from '../errors';
import type { TradingConfigChanges } from '../ports/store';

const CHANGEABLE = Object.keys(tradingConfigSchema.shape).filter((key) => key !== 'userId');

/**
 * The rule every store's `updateConfig` follows: `changes` applied to `current` (or to `initial`
 * for a user without a config), checked against core's schema. Returns the new config and the
 * fields that change, so a store writes only those. Throws `ConfigError` and changes nothing on
 * an unknown field, a value out of bounds or an `initial` of another user.
 */
export function applyConfigChanges(
  userId: string,
  current: TradingConfig | null,
  changes: TradingConfigChanges,
  initial: TradingConfig,
): { config: TradingConfig; changed: (keyof TradingConfigChanges)[] } {
  if (initial.userId !== userId)
    throw new ConfigError(`initial config is of ${initial.userId}, not ${userId}`);
  const changed = Object.keys(changes).filter(
    (key) => (changes as Record<string, unknown>)[key] !== undefined,
  ) as (keyof TradingConfigChanges)[];
  const unknown = changed.filter((key) => !CHANGEABLE.includes(key));
  if (unknown.length > 0) throw new ConfigError(`not a changeable config field: ${unknown.join(', ')}`);
  const defined = Object.fromEntries(changed.map((key) => [key, changes[key]]));
  const parsed = tradingConfigSchema.safeParse({ ...(current ?? initial), ...defined, userId });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `invalid trading config: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'rejected'}`,
    );
  }
  return { config: parsed.data, changed };
}
