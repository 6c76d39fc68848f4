import type { Exchange, ExchangeCredentials, TradingAccount } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { createCredentialCipher } from '../security/credential-cipher';
import { createAccountResolver } from './account-resolver';
import { NoTradingAccountError } from './no-trading-account-error';

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
const SERVER_KEYS = { apiKey: 'serverKey', secret: 'serverSecret' };
/** Users `a`, `b`, `c`, found by username as the store does. */
const findByUsername = async (username: string) =>
  ['a', 'b', 'c'].includes(username) ? ({ id: `id-${username}` } as never) : null;

const getTradingMode = async () => 'live' as const;

describe('account resolver', () => {
  it('gives every user a paper account of their own on the simulated exchange', async () => {
    const { exchange, opened } = recordingExchange();
    const resolve = createAccountResolver({
      exchange,
      simulated: true,
      users: { getExchangeCredentials: async () => null, findByUsername, getTradingMode },
      cipher,
      singleOperator: null,
    });
    const a = await resolve('a');
    expect(await resolve('a')).toBe(a);
    expect(await resolve('b')).not.toBe(a);
    expect(opened.map((c) => c.apiKey)).toEqual(['paper-a', 'paper-b']);
  });

  it("uses only a user's own decrypted keys on a real venue, and follows changes", async () => {
    const { exchange, opened } = recordingExchange();
    const stored = new Map<string, string | null>([
      ['a', cipher.encrypt('a', { apiKey: 'userKeyA', secret: 'userSecretA' })],
    ]);
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: { getExchangeCredentials: async (id) => stored.get(id) ?? null, findByUsername, getTradingMode },
      cipher,
      singleOperator: null,
    });
    const first = await resolve('a');
    expect(await resolve('a')).toBe(first);
    stored.set('a', cipher.encrypt('a', { apiKey: 'userKeyA2', secret: 'userSecretA2' }));
    expect(await resolve('a')).not.toBe(first);
    expect(opened).toEqual([
      { apiKey: 'userKeyA', secret: 'userSecretA' },
      { apiKey: 'userKeyA2', secret: 'userSecretA2' },
    ]);
  });

  it('throws NoTradingAccountError without keys, never falling back, and forgets removed keys', async () => {
    const { exchange, opened } = recordingExchange();
    const stored = new Map<string, string | null>([
      ['a', cipher.encrypt('a', { apiKey: 'userKeyA', secret: 'userSecretA' })],
    ]);
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: { getExchangeCredentials: async (id) => stored.get(id) ?? null, findByUsername, getTradingMode },
      cipher,
      singleOperator: null,
    });
    const refused = await resolve('b').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NoTradingAccountError);
    expect((refused as NoTradingAccountError).statusCode).toBe(400);
    expect(String(refused)).toMatch(/PUT \/account\/exchange-credentials/);
    await resolve('a');
    stored.set('a', null);
    await expect(resolve('a')).rejects.toBeInstanceOf(NoTradingAccountError);
    expect(opened.map((c) => c.apiKey)).toEqual(['userKeyA']);
  });

  it("single-operator mode: the operator trades with the server's keys, everyone else is refused", async () => {
    const { exchange, opened } = recordingExchange();
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: {
        // Even a user with keys of their own: one account, one active user.
        getExchangeCredentials: async (id) => cipher.encrypt(id, { apiKey: `own-${id}`, secret: 's' }),
        findByUsername,
        getTradingMode,
      },
      cipher,
      singleOperator: { username: 'a', credentials: SERVER_KEYS },
    });
    const operator = await resolve('id-a');
    expect(await resolve('id-a')).toBe(operator);
    const refused = await resolve('id-b').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NoTradingAccountError);
    expect((refused as NoTradingAccountError).statusCode).toBe(403);
    expect(opened).toEqual([SERVER_KEYS]);
  });

  it('paper users trade on the paper venue, live users with their own keys only', async () => {
    const { exchange, opened } = recordingExchange();
    const modes = new Map<string, 'paper' | 'live'>([['a', 'live']]);
    const paperOpened: string[] = [];
    const resolve = createAccountResolver({
      exchange,
      simulated: false,
      users: {
        getExchangeCredentials: async (id) =>
          id === 'a' ? cipher.encrypt('a', { apiKey: 'userKeyA', secret: 'userSecretA' }) : null,
        findByUsername,
        getTradingMode: async (id) => modes.get(id) ?? 'paper',
      },
      cipher,
      singleOperator: null,
      paper: {
        account: async (userId) => {
          paperOpened.push(userId);
          return { paper: userId } as unknown as TradingAccount;
        },
      },
    });
    expect(await resolve('b')).toEqual({ paper: 'b' });
    expect(await resolve('b')).toBe(await resolve('b'));
    expect(await resolve('a')).toEqual({ credentials: { apiKey: 'userKeyA', secret: 'userSecretA' } });
    // b has no keys: no live account, and switching to live would be refused.
    await expect(resolve.live('b')).rejects.toBeInstanceOf(NoTradingAccountError);
    modes.set('a', 'paper');
    expect(await resolve('a')).toEqual({ paper: 'a' });
    expect(paperOpened).toEqual(['b', 'a']);
    expect(opened.map((c) => c.apiKey)).toEqual(['userKeyA']);
  });
});
