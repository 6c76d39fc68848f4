import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { modelCostUsd, resolveModelPricing } from './model-pricing';

describe('modelCostUsd', () => {
  it('prices input and output tokens per million, without float noise', () => {
    const pricing = { inputPerMillionTokens: 0.3, outputPerMillionTokens: 2.5 };
    expect(modelCostUsd(1_000, 100, pricing)).toBe(0.00055);
    expect(modelCostUsd(0, 0, pricing)).toBe(0);
  });
});

describe('resolveModelPricing', () => {
  it('keeps valid prices and leaves no pricing undefined', () => {
    expect(resolveModelPricing({ inputPerMillionTokens: 1, outputPerMillionTokens: 0 }, 'f')).toEqual({
      inputPerMillionTokens: 1,
      outputPerMillionTokens: 0,
    });
    expect(resolveModelPricing(undefined, 'f')).toBeUndefined();
  });

  it('refuses a missing or negative price with a ConfigError naming the factory', () => {
    expect(() => resolveModelPricing({ inputPerMillionTokens: 1 }, 'createX')).toThrow(ConfigError);
    expect(() =>
      resolveModelPricing({ inputPerMillionTokens: -1, outputPerMillionTokens: 1 }, 'createX'),
    ).toThrow(/^createX: pricing.inputPerMillionTokens must be a number >= 0/);
  });
});
