import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ExchangeUnavailableError,
  NotFoundError,
  OrderRejectedError,
  RateLimitedError,
  TrdError,
} from './errors';

describe('isInstance', () => {
  it('on TrdError is true for every TRD error, on a subclass only for errors of its code', () => {
    const errors = [
      new ConflictError('taken'),
      new NotFoundError('gone'),
      new OrderRejectedError('refused', -2010),
      new RateLimitedError('slow down', 1000),
      new ExchangeUnavailableError('down'),
      new TrdError('STORE', 'broken'),
    ];
    for (const error of errors) expect(TrdError.isInstance(error)).toBe(true);
    expect(errors.filter((error) => ConflictError.isInstance(error))).toEqual([errors[0]]);
    expect(errors.filter((error) => NotFoundError.isInstance(error))).toEqual([errors[1]]);
    expect(errors.filter((error) => OrderRejectedError.isInstance(error))).toEqual([errors[2]]);
    // A plain TrdError with a subclass's code counts as that subclass (the code is the contract).
    expect(ConflictError.isInstance(new TrdError('CONFLICT', 'raw'))).toBe(true);
    expect(TrdError.isInstance(new Error('plain'))).toBe(false);
    expect(ConflictError.isInstance({ code: 'CONFLICT' })).toBe(false);
  });

  it('works across copies of the package: the marker and the code, not instanceof', () => {
    // What another copy of @trd/core would throw: a different class with the shared marker.
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('trd.error')]: true,
      code: 'NOT_FOUND',
    });
    expect(TrdError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(true);
    expect(ConflictError.isInstance(foreign)).toBe(false);
  });
});
