import { describe, expect, it } from 'vitest';
import { parseHoldout, splitWalkForward } from './walk-forward';

const MINUTE = 60_000;

describe('splitWalkForward', () => {
  it('holds out the last share of the minutes, with no bar in both parts', () => {
    const split = splitWalkForward({ from: 0, to: 99 * MINUTE }, 0.3);
    expect(split).toEqual({
      inSample: { from: 0, to: 69 * MINUTE },
      holdout: { from: 70 * MINUTE, to: 99 * MINUTE },
    });
    expect(() => splitWalkForward({ from: 0, to: 0 }, 0.3)).toThrow(/too short/);
    expect(() => splitWalkForward({ from: 0, to: 99 * MINUTE }, 1)).toThrow(/between 0 and 1/);
  });

  it('reads 30% and 0.3 alike', () => {
    expect(parseHoldout('30%')).toBe(0.3);
    expect(parseHoldout('0.25')).toBe(0.25);
    expect(() => parseHoldout('thirty')).toThrow(/not a share/);
  });
});
