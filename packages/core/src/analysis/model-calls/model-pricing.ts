import { ConfigError } from '../../errors';

/**
 * A model's prices in US dollars per million tokens, to put a cost on each signal. Reasoning
 * (thinking) tokens are billed as output. Take them from the provider's pricing page for your
 * model and tier: no adapter ships prices, they change.
 */
export interface ModelPricing {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

/** USD for the tokens at per-million prices, rounded to 1e-12 USD so it carries no float noise. */
export function modelCostUsd(inputTokens: number, outputTokens: number, pricing: ModelPricing): number {
  const microUsd =
    inputTokens * pricing.inputPerMillionTokens + outputTokens * pricing.outputPerMillionTokens;
  return Math.round(microUsd * 1e6) / 1e12;
}

/** Checks a `pricing` option; `who` (the factory's name) starts the `ConfigError`'s message. */
export function resolveModelPricing(pricing: unknown, who: string): ModelPricing | undefined {
  if (pricing === undefined) return undefined;
  const { inputPerMillionTokens, outputPerMillionTokens } = (pricing ?? {}) as Partial<ModelPricing>;
  for (const [name, value] of [
    ['inputPerMillionTokens', inputPerMillionTokens],
    ['outputPerMillionTokens', outputPerMillionTokens],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ConfigError(
        `${who}: pricing.${name} must be a number >= 0 (USD per million tokens), got ${String(value)}`,
      );
    }
  }
  return {
    inputPerMillionTokens: inputPerMillionTokens as number,
    outputPerMillionTokens: outputPerMillionTokens as number,
  };
}
