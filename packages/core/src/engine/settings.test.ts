import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { resolveEngineSettings } from './settings';

describe('resolveEngineSettings', () => {
  it("defaults to the reference bot's timings", () => {
    expect(resolveEngineSettings()).toMatchObject({
      cycleMs: 60_000,
      monitorMs: 60_000,
      tradingHours: { startHourUtc: 8, endHourUtc: 16 },
      userCooldownMs: 30_000,
      positionTimeoutMs: 1_800_000,
      candleLimit: 100,
      claimTtlMs: 180_000,
    });
  });
  it('accepts overrides and null trading hours', () => {
    expect(resolveEngineSettings({ cycleMs: 5_000, tradingHours: null, userCooldownMs: 0 })).toMatchObject({
      cycleMs: 5_000,
      tradingHours: null,
      userCooldownMs: 0,
    });
  });
  it('names the bad setting', () => {
    expect(() => resolveEngineSettings({ cycleMs: 0 })).toThrow(ConfigError);
    expect(() => resolveEngineSettings({ analysisConcurrency: 2.5 })).toThrow(/analysisConcurrency/);
    expect(() => resolveEngineSettings({ tradeConcurrency: 0 })).toThrow(/tradeConcurrency/);
    expect(() => resolveEngineSettings({ tradeConcurrency: 1.5 })).toThrow(
      /tradeConcurrency must be an integer/,
    );
    expect(() => resolveEngineSettings({ tradingHours: { startHourUtc: 8, endHourUtc: 25 } })).toThrow(
      /endHourUtc/,
    );
    expect(() => resolveEngineSettings({ tradingHours: { startHourUtc: 8, endHourUtc: 8 } })).toThrow(
      ConfigError,
    );
    expect(() => resolveEngineSettings({ orderLookupGraceMs: -1 })).toThrow(/orderLookupGraceMs/);
  });
  it('takes an infinite analysis timeout (no timer), but no other infinite duration', () => {
    expect(resolveEngineSettings({ analysisTimeoutMs: Number.POSITIVE_INFINITY }).analysisTimeoutMs).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(() => resolveEngineSettings({ cycleMs: Number.POSITIVE_INFINITY })).toThrow(/cycleMs/);
    expect(() => resolveEngineSettings({ analysisTimeoutMs: Number.NaN })).toThrow(/analysisTimeoutMs/);
  });
});
