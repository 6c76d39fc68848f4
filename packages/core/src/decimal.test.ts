import { describe, expect, it } from 'vitest';
import { Decimal, dec, floorToStep, isMultipleOf, roundToTick, toDecimalString } from './decimal';

describe('decimal', () => {
  it('adds without float artefacts', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toDecimalString(new Decimal('0.1').plus('0.2'))).toBe('0.3');
    expect(toDecimalString('1e-8')).toBe('0.00000001');
  });

  it('floors quantities to the step and rounds prices to the tick', () => {
    expect(floorToStep('0.0123456', '0.00001')).toBe('0.01234');
    expect(floorToStep('5', '0.1')).toBe('5');
    expect(roundToTick('63201.056', '0.01')).toBe('63201.06');
    expect(roundToTick('63201.056', '0.01', 'down')).toBe('63201.05');
    expect(roundToTick('63201.051', '0.01', 'up')).toBe('63201.06');
    expect(isMultipleOf('0.00030', '0.00001')).toBe(true);
    expect(isMultipleOf('0.000305', '0.00001')).toBe(false);
  });

  it('parses a string once and gives the same exact value every time, past the cache bound', () => {
    const first = dec('63201.05');
    expect(dec('63201.05')).toBe(first);
    expect(first.plus('0.01').toFixed()).toBe('63201.06');
    expect(dec('63201.05').toFixed()).toBe('63201.05'); // arithmetic never changes a cached value
    // Past the bound the cache starts over: every string still parses to its own value.
    for (let i = 0; i < 20_000; i += 1) expect(dec(`0.${i}`).toFixed()).toBe(new Decimal(`0.${i}`).toFixed());
    expect(dec('63201.05').toFixed()).toBe('63201.05');
    expect(() => dec('not a number')).toThrow();
    expect(() => dec('not a number')).toThrow(); // a refused string is not cached
  });
});
