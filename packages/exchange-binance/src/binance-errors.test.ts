import { ExchangeUnavailableError, InsufficientFundsError, OrderRejectedError } from '@trd/core';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { redact, toTrdError } from './binance-errors';

const SIGNED_URL =
  'https://testnet.binance.vision/api/v3/order?timestamp=1726884030000&symbol=BTCUSDT&recvWindow=5000&signature=5cb741951467673faed3d4215c3fdd4179c0d406a8653abe5fcd6637b91fd1a2';

describe("ccxt's own errors", () => {
  it('are renamed to core errors by class', () => {
    expect(toTrdError(new ccxt.InsufficientFunds('binance no money'), 'POST order')).toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(toTrdError(new ccxt.InvalidOrder('binance bad'), 'POST order')).toBeInstanceOf(OrderRejectedError);
    expect(toTrdError(new ccxt.RequestTimeout('binance slow'), 'GET order')).toBeInstanceOf(
      ExchangeUnavailableError,
    );
    expect(toTrdError(new Error('something else'), 'GET order')).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      isRetryable: false,
    });
  });

  it('lose the query string (and its signature) from their messages', () => {
    const error = toTrdError(new ccxt.NetworkError(`binance GET ${SIGNED_URL} fetch failed`), 'GET order');
    expect(error.message).toBe(
      'binance GET order: binance GET https://testnet.binance.vision/api/v3/order fetch failed',
    );
    expect(redact('signature=abc123&x=1 X-MBX-APIKEY: key123')).not.toMatch(/abc123|key123/);
  });
});
