import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseDurationMs, retryAfterFromHeaders } from './retry-delay';

describe('backoffDelayMs', () => {
  const options = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

  it('doubles each retry, with half of the delay random', () => {
    expect([0, 1, 2, 3].map((retry) => backoffDelayMs(retry, { ...options, random: () => 0 }))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect(
      [0, 1, 2, 3].map((retry) => backoffDelayMs(retry, { ...options, random: () => 0.999999 })),
    ).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never exceeds the maximum delay', () => {
    expect(backoffDelayMs(20, { ...options, random: () => 0.999999 })).toBe(30_000);
    expect(backoffDelayMs(20, { ...options, random: () => 0 })).toBe(15_000);
  });
});

describe('parseDurationMs', () => {
  it('reads protobuf durations as RetryInfo sends them', () => {
    expect(parseDurationMs('38s')).toBe(38_000);
    expect(parseDurationMs('45.837906927s')).toBe(45_838);
    expect(parseDurationMs('0.5s')).toBe(500);
  });

  it('ignores anything else', () => {
    expect(parseDurationMs(undefined)).toBeUndefined();
    expect(parseDurationMs(38)).toBeUndefined();
    expect(parseDurationMs('38')).toBeUndefined();
    expect(parseDurationMs('1m')).toBeUndefined();
    expect(parseDurationMs('-3s')).toBeUndefined();
  });
});

describe('retryAfterFromHeaders', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads retry-after-ms first, then retry-after in seconds', () => {
    expect(retryAfterFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1_500);
    expect(retryAfterFromHeaders({ 'retry-after': '20' }, now)).toBe(20_000);
    expect(retryAfterFromHeaders({ 'retry-after': '0.5' }, now)).toBe(500);
  });

  it('reads an HTTP-date from now, a past date as 0', () => {
    expect(retryAfterFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 12:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 11:00:00 GMT' }, now)).toBe(0);
  });

  it('gives undefined without a readable header', () => {
    expect(retryAfterFromHeaders(undefined, now)).toBeUndefined();
    expect(retryAfterFromHeaders({}, now)).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after-ms': '-3' }, now)).toBeUndefined();
  });
});
