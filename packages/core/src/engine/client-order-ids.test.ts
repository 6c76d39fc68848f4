import { describe, expect, it } from 'vitest';
import {
  closeClientOrderId,
  entryClientOrderId,
  exitClientOrderId,
  tradeIdForEntry,
} from './client-order-ids';

/** The strictest rule in view (OKX's clOrdId): 1-32 letters and digits; Binance's and Bybit's accept it too. */
const valid = /^[A-Za-z0-9]{1,32}$/;
const T = Date.UTC(2025, 5, 2, 9, 30);

describe('client order ids', () => {
  it('are deterministic per user and cycle time', () => {
    expect(entryClientOrderId('alice', T)).toBe(entryClientOrderId('alice', T));
    expect(entryClientOrderId('alice', T)).not.toBe(entryClientOrderId('alice', T + 60_000));
    expect(entryClientOrderId('alice', T)).not.toBe(entryClientOrderId('bob', T));
  });

  it("fit every venue's rules (1-32 letters and digits) for any user id, including ids derived from the entry", () => {
    for (const userId of [
      'u',
      '3f2b8c1e-9d4a-4c4b-8e4f-0a1b2c3d4e5f',
      'x'.repeat(300),
      'ünïcødé user/with spaces',
    ]) {
      const entry = entryClientOrderId(userId, T);
      for (const id of [
        entry,
        tradeIdForEntry(entry),
        exitClientOrderId(entry),
        closeClientOrderId(entry),
        closeClientOrderId(entry, 7),
      ]) {
        expect(id).toMatch(valid);
      }
    }
  });

  it('derives distinct exit, close and trade ids from the entry', () => {
    const entry = entryClientOrderId('alice', T);
    const ids = [
      entry,
      tradeIdForEntry(entry),
      exitClientOrderId(entry),
      closeClientOrderId(entry),
      closeClientOrderId(entry, 2),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(exitClientOrderId(entry)).toBe(exitClientOrderId(entryClientOrderId('alice', T)));
    expect(exitClientOrderId('some-other-venue-id')).toMatch(valid);
    expect(() => closeClientOrderId(entry, 36)).toThrow(/1 to 35/);
  });

  it('derives the old ids from entries journalled in the old format (an upgrade with open positions)', () => {
    const legacy = 'trd-e-m1abcdef-0123456789abc';
    expect(tradeIdForEntry(legacy)).toBe('trd-t-m1abcdef-0123456789abc');
    expect(exitClientOrderId(legacy)).toBe('trd-x-m1abcdef-0123456789abc');
    expect(closeClientOrderId(legacy)).toBe('trd-c-m1abcdef-0123456789abc');
    expect(closeClientOrderId(legacy, 2)).toBe('trd-c2-m1abcdef-0123456789abc');
  });
});
