import { BigIntType } from '@mikro-orm/core';

/**
 * Money columns: explicit precision and scale (an unscaled `numeric` would round 0.01 to 0).
 * 18 digits before and 18 after the point; values that do not fit are refused before writing.
 */
export const MONEY_PRECISION = 36;
export const MONEY_SCALE = 18;

export const money = { type: 'decimal', precision: MONEY_PRECISION, scale: MONEY_SCALE } as const;
export const optionalMoney = { ...money, nullable: true } as const;

/** Unix ms. `bigint` column, read back as a JS number (safe far beyond year 275000). */
export const unixMs = { type: new BigIntType('number') } as const;
export const optionalUnixMs = { type: new BigIntType('number'), nullable: true } as const;
