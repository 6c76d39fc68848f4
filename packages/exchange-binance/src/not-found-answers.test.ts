import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { mapBinanceFailure, toTrdError } from './binance-errors';
import { isNotFoundAnswer } from './not-found-answers';

const ARCHIVED = 'Order was canceled or expired with no executed qty over 90 days ago and has been archived.';

describe('isNotFoundAnswer', () => {
  it.each([
    // documented (errors.md)
    [-2013, 'Order does not exist.', true],
    [-2013, 'some other wording', true],
    [-2026, ARCHIVED, true],
    [-2011, 'Unknown order sent.', true],
    // reported in the field
    [-2018, 'Order list does not exist.', true],
    [-2011, 'Order list does not exist.', true],
    [-2011, 'Unknown order list sent.', true],
    // the message under any code, or none
    [-1000, 'Order does not exist.', true],
    [undefined, 'Order list does not exist.', true],
    // codes that mean something else without the message
    [-2011, 'CANCEL_REJECTED', false],
    [-2011, 'This action is disabled on this account.', false],
    [-2011, 'Order was not canceled due to cancel restrictions.', false],
    [-2018, 'Balance is insufficient', false],
    [-2010, 'Duplicate order sent.', false],
    [-3003, 'Margin account does not exist.', false],
    [undefined, undefined, false],
  ] as const)('code %s, %j → %s', (code, message, expected) => {
    expect(isNotFoundAnswer(code, message)).toBe(expected);
  });
});

describe('not-found answers become OrderNotFoundError', () => {
  it.each([
    [-2013, 'Order does not exist.'],
    [-2011, 'Unknown order sent.'],
    [-2018, 'Order list does not exist.'],
    [-2011, 'Order list does not exist.'],
    [-2026, ARCHIVED],
  ])('from an HTTP 400 answer %s %j', (code, msg) => {
    const error = mapBinanceFailure({ method: 'GET', path: '/api/v3/orderList', status: 400, code, msg });
    expect(error.code).toBe('ORDER_NOT_FOUND');
  });

  it('but a -2011 refusal for another reason stays a rejection', () => {
    const error = mapBinanceFailure({
      method: 'DELETE',
      path: '/api/v3/order',
      status: 400,
      code: -2011,
      msg: 'This action is disabled on this account.',
    });
    expect(error).toMatchObject({ code: 'ORDER_REJECTED', venueCode: -2011 });
  });

  // ccxt quotes Binance's body after the exchange id, under whatever class its tables give the code.
  it.each([
    ['OrderNotFound', new ccxt.OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}')],
    ['OperationRejected', new ccxt.OperationRejected('binance {"code":-2011,"msg":"Unknown order sent."}')],
    [
      'InsufficientFunds',
      new ccxt.InsufficientFunds('binance {"code":-2018,"msg":"Order list does not exist."}'),
    ],
    ['InvalidOrder', new ccxt.InvalidOrder(`binance {"code":-2026,"msg":"${ARCHIVED}"}`)],
    ['ExchangeError', new ccxt.ExchangeError('binance {"code":-2011,"msg":"Order list does not exist."}')],
  ])('from ccxt %s', (_name, error) => {
    expect(toTrdError(error, 'GET orderList').code).toBe('ORDER_NOT_FOUND');
  });

  it('while ccxt errors that say something else keep their class', () => {
    expect(
      toTrdError(new ccxt.InsufficientFunds('binance {"code":-2018,"msg":"Balance is insufficient"}'), 'x')
        .code,
    ).toBe('INSUFFICIENT_FUNDS');
    expect(
      toTrdError(new ccxt.OperationRejected('binance {"code":-2011,"msg":"CANCEL_REJECTED"}'), 'x').code,
    ).toBe('EXCHANGE_UNAVAILABLE');
  });
});
