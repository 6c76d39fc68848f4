import { describe, expect, it } from 'vitest';
import {
  closeClientOrderId,
  entryClientOrderId,
  exitClientOrderId,
  tradeIdForEntry,
} from './client-order-ids';

const valid = /^[A-Za-z0-9_-]{1,36}$/;
const T = Date.UTC(2025, 5, 2, 9, 30);

describe('client order ids', () => {
  it('are deterministic per user and cycle time', () => {
    expect(entryClientOrderId('alice', T)).toBe(entryClientOrderId('alice', T));
    expect(entryClientOrderId('alice', T)).not.toBe(entryClientOrderId('alice', T + 60_000));
    expect(entryClientOrderId('alice', T)).not.toBe(entryClientOrderId('bob', T));
  });

  it('fit Binance rules for any user id, including ids derived from the entry', () => {
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
  });
});
