import { type Decimal, type DecimalString, dec, toDecimalString } from '../decimal';
import type { MarketRules } from '../domain/market-rules';
import type { RiskViolation } from '../domain/risk-violation';
import type { Signal, TradeSide } from '../domain/signal';
import type { TradingConfig } from '../domain/trading-config';
import { ConfigError } from '../errors';
import {
  type ExitDistances,
  type ExitLevelSource,
  type ExitOrderPrices,
  exitDistances,
  exitOrderPrices,
  expectedFillPrice,
} from '../exchange/exit-plan';
import { checkOrder, roundOrderQuantity } from '../exchange/order-rules';
import type { AccountCapabilities, Balances } from '../ports/trading-account';
import { checkRewardToRiskAfterFees } from './reward-to-risk-rule';
import { DEFAULT_RISK_LIMITS, type RiskLimits } from './risk-limits';

/** Everything the risk rules look at for one proposed entry. */
export interface RiskCheckInput {
  config: TradingConfig;
  /** A `buy` or `sell` signal (its levels matter only with `exitLevelSource: 'signal'`). */
  signal: Signal;
  /** The market's last price: the entry is judged at it plus the slippage. */
  price: number | DecimalString;
  /** Where the exit levels come from; default `config`. */
  exitLevelSource?: ExitLevelSource;
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
      /** quantity × expected fill price, quote units. */
      tradeValue: DecimalString;
      /** The market price moved against the entry by the slippage. */
      expectedFillPrice: DecimalString;
      /** The exit distances the size was computed with: the exit uses the same. */
      distances: ExitDistances;
      violations: [];
    }
  | { approved: false; violations: RiskViolation[] };

/**
 * The reference bot's risk rules. `validate` checks every rule and, on rejection, lists EVERY
 * rule that failed (not just the first). Position size comes from here only, never from a model:
 * balance × riskPercent% / |fill − stop|, capped at maxPositionPercent% of the balance, where the
 * fill is the market price plus the slippage and the stop is the one the exit will place. The
 * exit is checked too: an entry whose exit legs would fall under the minimum notional is refused.
 */
export class RiskManager {
  readonly limits: Readonly<RiskLimits>;

  constructor(limits: Partial<RiskLimits> = {}) {
    this.limits = { ...DEFAULT_RISK_LIMITS, ...limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (value === undefined) continue; // an opt-in rule left off
      if (!/^\d+(\.\d+)?$/.test(value))
        throw new ConfigError(`risk limit ${name} must be a non-negative decimal string, got "${value}"`);
    }
  }

  /**
   * The rules that need no account data (one open position, the daily limit, the confidence):
   * the engine checks them before it reads the account, so a signal they refuse costs the venue
   * nothing. `validate` applies them too.
   */
  checkWithoutAccount(
    input: Pick<RiskCheckInput, 'config' | 'signal' | 'openPositionCount' | 'tradesToday'>,
  ): RiskViolation[] {
    const { config, signal } = input;
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
    return violations;
  }

  validate(input: RiskCheckInput): RiskDecision {
    const { signal, rules } = input;
    if (signal.action === 'hold')
      throw new ConfigError('the risk manager validates buy or sell signals, not hold');
    const violations = this.checkWithoutAccount(input);
    if (!input.capabilities.ocoExits) {
      violations.push({
        code: 'EXITS_UNSUPPORTED',
        message:
          'the account cannot place a one-cancels-other take-profit/stop-loss exit (capabilities.ocoExits is false): every position must be protected, so none is opened',
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
    return { approved: true, ...sizing, violations: [] };
  }

  /** Sizes the entry, adding the sizing rules' violations; `null` when no size can be computed. */
  private size(input: RiskCheckInput, balance: Decimal, violations: RiskViolation[]): Sizing | null {
    const { config, signal, rules } = input;
    const side = signal.action === 'sell' ? 'sell' : 'buy';
    const source = input.exitLevelSource ?? 'config';
    if (source === 'signal' && !signalStopIsUsable(signal)) {
      violations.push({
        code: 'INVALID_STOP',
        message: `signal stop loss ${String(signal.stopLoss)} is missing or on the wrong side of entry ${String(signal.entryPrice)} for a ${signal.action}`,
      });
      return null;
    }
    const market = dec(input.price);
    if (market.lte(0)) {
      violations.push({
        code: 'INVALID_STOP',
        message: `market price ${String(input.price)} is not positive`,
      });
      return null;
    }
    // Everything is judged at the price the market order will fill at, not the signal's entry.
    const fillPrice = expectedFillPrice(side, market, this.limits.slippagePercent);
    const distances = exitDistances(source, config, signal);
    const exit = exitOrderPrices({
      rules,
      entrySide: side,
      entryPrice: fillPrice,
      distances,
      stopLimitOffsetPercent: this.limits.stopLimitOffsetPercent,
    });
    const riskPerUnit = fillPrice.minus(exit.stopLoss).abs();
    if (riskPerUnit.lte(0)) {
      violations.push({
        code: 'INVALID_STOP',
        message: `the stop ${exit.stopLoss} rounds onto the expected fill ${toDecimalString(fillPrice)}: no distance to size from`,
      });
      return null;
    }

    const minimum = this.limits.minRewardToRiskAfterFees;
    if (minimum !== undefined) {
      const violation = checkRewardToRiskAfterFees({
        side,
        fillPrice,
        takeProfit: exit.takeProfit,
        stopLoss: exit.stopLoss,
        feePercent: this.limits.feePercent,
        minimum,
      });
      if (violation) violations.push(violation);
    }

    const riskAmount = balance.mul(config.riskPercent).div(100);
    let quantity = riskAmount.div(riskPerUnit);
    const maxValue = balance.mul(config.maxPositionPercent).div(100);
    if (quantity.mul(fillPrice).gt(maxValue)) quantity = maxValue.div(fillPrice);

    if (side === 'sell' && input.capabilities.sellEntryNeedsInventory) {
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
    const tradeValue = dec(floored).mul(fillPrice);
    if (tradeValue.lt(this.limits.minTradeValue)) {
      violations.push({
        code: 'TRADE_VALUE_TOO_SMALL',
        message: `trade value ${toDecimalString(tradeValue)} ${rules.quoteAsset} is below the minimum ${this.limits.minTradeValue}`,
      });
    }
    const filterFailures = dec(floored).gt(0)
      ? checkOrder(rules, { quantity: floored, price: fillPrice.toFixed() })
      : [];
    for (const failure of filterFailures) {
      // The fill price need not sit on the tick (it is a market order); only size filters count.
      if (failure.filter === 'PRICE_FILTER') continue;
      violations.push({ code: 'BELOW_MIN_NOTIONAL', message: failure.message });
    }
    if (dec(floored).gt(0)) this.checkExit(input, side, floored, exit, violations);
    return {
      quantity: floored,
      tradeValue: toDecimalString(tradeValue),
      expectedFillPrice: toDecimalString(fillPrice),
      distances,
    };
  }

  /**
   * Never open what cannot be closed: the exit sells what the entry leaves after a fee in the base
   * asset, floored to the step; each leg at its own price (the stop leg's limit is the worst) must
   * clear the venue's minimum notional with `exitMarginPercent` to spare.
   */
  private checkExit(
    input: RiskCheckInput,
    side: TradeSide,
    quantity: DecimalString,
    exit: ExitOrderPrices,
    violations: RiskViolation[],
  ): void {
    const { rules } = input;
    const exitQuantity =
      side === 'buy'
        ? dec(roundOrderQuantity(rules, dec(quantity).mul(dec(100).minus(this.limits.feePercent)).div(100)))
        : dec(quantity);
    const needed = dec(rules.minNotional).mul(dec(100).plus(this.limits.exitMarginPercent)).div(100);
    const legs = [exit.takeProfit, exit.stopLoss, exit.stopLimit].map((price) => dec(price));
    const worst = legs.reduce((a, b) => (a.lte(b) ? a : b));
    const worstValue = exitQuantity.mul(worst);
    if (exitQuantity.lt(rules.minQuantity) || exitQuantity.lte(0) || worstValue.lt(needed)) {
      violations.push({
        code: 'EXIT_BELOW_MIN_NOTIONAL',
        message: `the exit would sell ${toDecimalString(exitQuantity)} ${rules.baseAsset} (after a ${this.limits.feePercent}% fee, floored to the step ${rules.stepSize}); at its worst leg price ${toDecimalString(worst)} that is ${toDecimalString(worstValue)} ${rules.quoteAsset}, under the minimum notional ${rules.minNotional} + ${this.limits.exitMarginPercent}% (${toDecimalString(needed)})`,
      });
    }
  }
}

interface Sizing {
  quantity: DecimalString;
  tradeValue: DecimalString;
  expectedFillPrice: DecimalString;
  distances: ExitDistances;
}

function signalStopIsUsable(signal: Signal): boolean {
  if (signal.entryPrice === undefined || signal.stopLoss === undefined) return false;
  return signal.action === 'buy' ? signal.stopLoss < signal.entryPrice : signal.stopLoss > signal.entryPrice;
}

function freeAmount(balances: Balances, asset: string): Decimal {
  const entry = balances[asset];
  return dec(entry?.free ?? '0');
}
