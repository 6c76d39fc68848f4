import type { Exchange, ExchangeCredentials, TradingAccount } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../security/credential-cipher';
import { createAccountResolver } from './account-resolver';

function recordingExchange() {
  const opened: ExchangeCredentials[] = [];
  const exchange = {
    specificationVersion: 'v1',
    name: 'fake',
    marketData: {} as Exchange['marketData'],
    account(credentials: ExchangeCredentials) {
      opened.push(credentials);
      return { credentials } as unknown as TradingAccount;
    },
  } satisfies Exchange;
  return { exchange, opened };
}

const cipher = createCredentialCipher(Buffer.alloc(32, 3));

describe('account resolver', () => {
  it('gives every user a paper account of their own on the simulated exchange', async () => {
    const { exchange, opened } = recordingExchange();
    const resolve = createAccountResolver({
      exchange,
      simulated: true,
      users: { getExchangeCredentials: async () => null },
      cipher,
      serverCredentials: null,
    });
    const a = await resolve('a');
    expect(await resolve('a')).toBe(a);
    expect(await resolve('b')).not.toBe(a);
    expect(opened.map((c) => c.apiKey)).toEqual(['paper-a', 'paper-b']);
  });

  it("uses a user's own decrypted keys on a real venue, else the server's, and follows changes", async () => {
    const { exchange, opened } = recordingExchange();
    const stored = new Map<string, string | null>([
      ['a', cipher.encrypt('a', { apiKey: 'userKeyA', secret: 'userSecretA' })],
    ]);
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: { getExchangeCredentials: async (id) => stored.get(id) ?? null },
      cipher,
      serverCredentials: { apiKey: 'serverKey', secret: 'serverSecret' },
    });
    const first = await resolve('a');
    expect(await resolve('a')).toBe(first);
    await resolve('b');
    stored.set('a', cipher.encrypt('a', { apiKey: 'userKeyA2', secret: 'userSecretA2' }));
    expect(await resolve('a')).not.toBe(first);
    expect(opened).toEqual([
      { apiKey: 'userKeyA', secret: 'userSecretA' },
      { apiKey: 'serverKey', secret: 'serverSecret' },
      { apiKey: 'userKeyA2', secret: 'userSecretA2' },
    ]);
  });

  it('refuses a real venue without any keys, saying how to set them', async () => {
    const { exchange } = recordingExchange();
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: { getExchangeCredentials: async () => null },
      cipher,
      serverCredentials: null,
    });
    await expect(resolve('a')).rejects.toThrow(/PUT \/account\/exchange-credentials/);
  });
});
