// The named export: under `moduleResolution: NodeNext` the default import of decimal.js's CommonJS
// typings is the whole module, which made `Decimal` `any` for consumers.
import { Decimal as DecimalJs } from 'decimal.js';
import { z } from 'zod';

/**
 * Money arithmetic. Quantities, prices, fees and P&L that are stored or sent to a venue are
 * decimal strings computed with this Decimal, never with floats (0.1 + 0.2 must stay 0.3).
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = DecimalJs;
export type DecimalInput = Decimal | string | number;

/** A base-10 number as a string: `"0.00012"`, `"-3.5"`. No exponent, no float artefacts. */
export type DecimalString = string;

const DECIMAL_STRING = /^-?\d+(\.\d+)?$/;

export const decimalStringSchema = z
  .string()
  .regex(DECIMAL_STRING, 'must be a decimal number string such as "12.5"');

/** `decimalStringSchema`'s rule as a plain test, for paths that check every amount they write. */
export function isDecimalString(value: unknown): value is DecimalString {
  return typeof value === 'string' && DECIMAL_STRING.test(value);
}

/**
 * Parsed strings, reused: a cycle parses the same tick, step, price and percent once per user, and
 * parsing is most of the cost of decimal arithmetic there. Safe because a Decimal is immutable.
 * Bounded: emptied when full, so a stream of distinct amounts cannot grow it.
 */
const parsedStrings = new Map<string, Decimal>();
const PARSED_STRINGS_MAX = 8_192;

export function dec(value: DecimalInput): Decimal {
  if (typeof value !== 'string') return value instanceof Decimal ? value : new Decimal(value);
  let parsed = parsedStrings.get(value);
  if (parsed === undefined) {
    parsed = new Decimal(value);
    if (parsedStrings.size >= PARSED_STRINGS_MAX) parsedStrings.clear();
    parsedStrings.set(value, parsed);
  }
  return parsed;
}

/** Canonical decimal string: no exponent, no trailing zeros. */
export function toDecimalString(value: DecimalInput): DecimalString {
  const d = dec(value);
  if (d.isZero()) return '0';
  return d.toFixed();
}

/**
 * Decimal places of every amount a `Store` keeps (PostgreSQL `numeric(36,18)`); a store refuses
 * more. Core rounds what it derives (a fee converted at an average price, P&L) to this, half-even,
 * so no fill is ever refused by its store for a digit below 10⁻¹⁸.
 */
export const MONEY_PLACES = 18;

/** `value` as a money amount a store keeps: rounded half-even to `MONEY_PLACES`. */
export function toMoneyString(value: DecimalInput): DecimalString {
  return toDecimalString(dec(value).toDecimalPlaces(MONEY_PLACES, Decimal.ROUND_HALF_EVEN));
}

/** True when `value` has no more decimal places than a store keeps. */
export function fitsMoneyPlaces(value: DecimalString): boolean {
  return dec(value).decimalPlaces() <= MONEY_PLACES;
}

/** Rounds DOWN to a multiple of `step` (quantities: never sell or buy more than asked). */
export function floorToStep(value: DecimalInput, step: DecimalInput): DecimalString {
  const s = dec(step);
  if (s.lte(0)) return toDecimalString(value);
  return toDecimalString(dec(value).div(s).floor().mul(s));
}

/** Rounds to the nearest multiple of `tick` (prices). */
export function roundToTick(
  value: DecimalInput,
  tick: DecimalInput,
  mode: 'nearest' | 'down' | 'up' = 'nearest',
): DecimalString {
  const t = dec(tick);
  if (t.lte(0)) return toDecimalString(value);
  const units = dec(value).div(t);
  const rounded =
    mode === 'down'
      ? units.floor()
      : mode === 'up'
        ? units.ceil()
        : units.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return toDecimalString(rounded.mul(t));
}

/** True when `value` is an exact multiple of `step`. */
export function isMultipleOf(value: DecimalInput, step: DecimalInput): boolean {
  const s = dec(step);
  if (s.isZero()) return true;
  return dec(value).mod(s).isZero();
}
