import { toDecimalString } from '@trd/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalOut } from './row-mapping';

/** Text as PostgreSQL prints a numeric(36,18): optional sign, integer digits, optional fraction. */
const numericText = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^[0-9]{1,18}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,18}$/), { nil: undefined }),
  )
  .map(
    ([negative, whole, fraction]) =>
      `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}`,
  );

describe('decimalOut (numeric column text to a canonical decimal string)', () => {
  it('gives exactly what core’s toDecimalString gives, for any numeric text', () => {
    fc.assert(
      fc.property(numericText, (text) => {
        expect(decimalOut(text)).toBe(toDecimalString(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('drops trailing fractional zeros, keeps integer zeros, and writes every zero as 0', () => {
    expect(decimalOut('0.000010000000000000')).toBe('0.00001');
    expect(decimalOut('100')).toBe('100');
    expect(decimalOut('1500.000000000000000000')).toBe('1500');
    expect(decimalOut('-0.000000000000000000')).toBe('0');
    expect(decimalOut('-12.340')).toBe('-12.34');
    expect(decimalOut('1e-7')).toBe('0.0000001');
  });
});
