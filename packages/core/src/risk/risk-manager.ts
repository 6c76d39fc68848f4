import { type Decimal, type DecimalString, dec, toDecimalString } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import type { RiskViolation } from '../domain/risk-violation';
import type { Signal } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import { ConfigError } from '../errors';
import { checkOrder, roundOrderQuantity } from '../exchange/order-rules';
import type { AccountCapabilities, Balances } from '../ports/trading-account';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from './risk-limits';

/** Everything the risk rules look at for one proposed entry. */
export interface RiskCheckInput {
  config: TradingConfig;
  /** A `buy` or `sell` signal with its entry price and stop loss. */
  signal: Signal;
  balances: Balances;
  rules: MarketRules;
  capabilities: AccountCapabilities;
  /** Open positions the user has now (from the store). */
  openPositionCount: number;
  /** Trades opened since 00:00 UTC today (from the store, so a restart changes nothing). */
  tradesToday: number;
}

export type RiskDecision =
  | {
      approved: true;
      /** Entry quantity, base units, floored to the step size. */
      quantity: DecimalString;
      /** quantity × entry price, quote units. */
      tradeValue: DecimalString;
      violations: [];
    }
  | { approved: false; violations: RiskViolation[] };

/**
 * The reference bot's risk rules. `validate` checks every rule and, on rejection, lists EVERY
 * rule that failed (not just the first). Position size comes from here only, never from a model:
 * balance × riskPercent% / |entry − stop|, capped at maxPositionPercent% of the balance.
 */
export class RiskManager {
  readonly limits: Readonly<RiskLimits>;

  constructor(limits: Partial<RiskLimits> = {}) {
    this.limits = { ...DEFAULT_RISK_LIMITS, ...limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!/^\d+(\.\d+)?$/.test(value))
        throw new ConfigError(`risk limit ${name} must be a non-negative decimal string, got "${value}"`);
    }
  }

  validate(input: RiskCheckInput): RiskDecision {
    const { config, signal, rules } = input;
    if (signal.action === 'hold')
      throw new ConfigError('the risk manager validates buy or sell signals, not hold');
    const violations: RiskViolation[] = [];

    if (input.openPositionCount > 0) {
      violations.push({
        code: 'OPEN_POSITION',
        message: `user already has ${input.openPositionCount} open position(s); one at a time`,
      });
    }
    if (input.tradesToday >= config.maxDailyTrades) {
      violations.push({
        code: 'DAILY_LIMIT',
        message: `${input.tradesToday} trades today reaches the daily limit of ${config.maxDailyTrades}`,
      });
    }
    if (signal.confidence < config.minConfidence) {
      violations.push({
        code: 'LOW_CONFIDENCE',
        message: `confidence ${signal.confidence} is below the minimum ${config.minConfidence}`,
      });
    }

    const balance = freeAmount(input.balances, rules.quoteAsset);
    if (balance.lt(this.limits.minBalance)) {
      violations.push({
        code: 'LOW_BALANCE',
        message: `${rules.quoteAsset} balance ${toDecimalString(balance)} is below the minimum ${this.limits.minBalance}`,
      });
    }

    const sizing = this.size(input, balance, violations);
    if (violations.length > 0 || !sizing) return { approved: false, violations };
    return { approved: true, quantity: sizing.quantity, tradeValue: sizing.tradeValue, violations: [] };
  }

  /** Sizes the entry, adding the sizing rules' violations; `null` when no size can be computed. */
  private size(
    input: RiskCheckInput,
    balance: Decimal,
    violations: RiskViolation[],
  ): { quantity: DecimalString; tradeValue: DecimalString } | null {
    const { config, signal, rules } = input;
    if (signal.entryPrice === undefined || signal.stopLoss === undefined) {
      violations.push({
        code: 'INVALID_STOP',
        message: 'signal has no entry price or stop loss to size the position from',
      });
      return null;
    }
    const entry = dec(signal.entryPrice);
    const stop = dec(signal.stopLoss);
    const wrongSide = signal.action === 'buy' ? stop.gte(entry) : stop.lte(entry);
    if (wrongSide) {
      violations.push({
        code: 'INVALID_STOP',
        message: `stop loss ${toDecimalString(stop)} is on the wrong side of entry ${toDecimalString(entry)} for a ${signal.action}`,
      });
      return null;
    }

    const riskAmount = balance.mul(config.riskPercent).div(100);
    let quantity = riskAmount.div(entry.minus(stop).abs());
    const maxValue = balance.mul(config.maxPositionPercent).div(100);
    if (quantity.mul(entry).gt(maxValue)) quantity = maxValue.div(entry);

    if (signal.action === 'sell' && input.capabilities.sellEntryNeedsInventory) {
      const held = dec(roundOrderQuantity(rules, freeAmount(input.balances, rules.baseAsset)));
      if (held.lte(0)) {
        violations.push({
          code: 'NO_INVENTORY',
          message: `a sell entry needs ${rules.baseAsset} in the account and there is none`,
        });
        return null;
      }
      if (quantity.gt(held)) quantity = held;
    }

    const floored = roundOrderQuantity(rules, quantity);
    const tradeValue = dec(floored).mul(entry);
    if (tradeValue.lt(this.limits.minTradeValue)) {
      violations.push({
        code: 'TRADE_VALUE_TOO_SMALL',
        message: `trade value ${toDecimalString(tradeValue)} ${rules.quoteAsset} is below the minimum ${this.limits.minTradeValue}`,
      });
    }
    const filterFailures = dec(floored).gt(0)
      ? checkOrder(rules, { quantity: floored, price: entry.toFixed() })
      : [];
    for (const failure of filterFailures) {
      // The entry price need not sit on the tick (it is a market order); only size filters count.
      if (failure.filter === 'PRICE_FILTER') continue;
      violations.push({ code: 'BELOW_MIN_NOTIONAL', message: failure.message });
    }
    return { quantity: floored, tradeValue: toDecimalString(tradeValue) };
  }
}

function freeAmount(balances: Balances, asset: string): Decimal {
  const entry = balances[asset];
  return dec(entry?.free ?? '0');
}
