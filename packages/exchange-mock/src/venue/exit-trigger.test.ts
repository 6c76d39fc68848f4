import { dec } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { beyondLimit, limitReached, stopTradePrice, triggeredLeg } from './exit-trigger';

const long = { side: 'sell' as const, takeProfit: dec('101'), stopLoss: dec('99') };
const short = { side: 'buy' as const, takeProfit: dec('99'), stopLoss: dec('101') };

describe('which exit leg a price path fills', () => {
  it('closes a long at the take profit when the high touches it, at the stop when the low does', () => {
    expect(triggeredLeg(long, { high: 100.99, low: 99.01 })).toBeUndefined();
    expect(triggeredLeg(long, { high: 101, low: 99.5 })).toBe('take_profit');
    expect(triggeredLeg(long, { high: 100.5, low: 99 })).toBe('stop_loss');
  });

  it('mirrors for a short', () => {
    expect(triggeredLeg(short, { high: 100.5, low: 99 })).toBe('take_profit');
    expect(triggeredLeg(short, { high: 101, low: 99.5 })).toBe('stop_loss');
    expect(triggeredLeg(short, { high: 100.99, low: 99.01 })).toBeUndefined();
  });

  it('assumes the stop first when one bar touches both legs', () => {
    expect(triggeredLeg(long, { high: 105, low: 95 })).toBe('stop_loss');
    expect(triggeredLeg(short, { high: 105, low: 95 })).toBe('stop_loss');
    expect(triggeredLeg(long, { open: 100, high: 105, low: 95 })).toBe('stop_loss');
  });

  it('gives the leg a bar opens beyond first', () => {
    expect(triggeredLeg(long, { open: 102, high: 102, low: 95 })).toBe('take_profit');
    expect(triggeredLeg(long, { open: 98, high: 105, low: 97 })).toBe('stop_loss');
    expect(triggeredLeg(short, { open: 98, high: 105, low: 97 })).toBe('take_profit');
    expect(triggeredLeg(short, { open: 102, high: 102, low: 95 })).toBe('stop_loss');
  });
});

describe('the price a triggered stop trades at', () => {
  it('is the stop, or the open rounded against the exit when the path opens beyond the stop', () => {
    expect(stopTradePrice(long, { open: 100, high: 100, low: 98 }, '0.01')).toEqual({
      price: dec('99'),
      gap: false,
    });
    expect(stopTradePrice(long, { high: 100, low: 98 }, '0.01')).toEqual({ price: dec('99'), gap: false });
    expect(stopTradePrice(long, { open: 98.555, high: 99, low: 98 }, '0.01')).toEqual({
      price: dec('98.55'),
      gap: true,
    });
    expect(stopTradePrice(short, { open: 102.345, high: 103, low: 102 }, '0.01')).toEqual({
      price: dec('102.35'),
      gap: true,
    });
  });

  it('misses a limit on the wrong side and fills a working limit once the path reaches it', () => {
    expect(beyondLimit('sell', dec('98.4'), dec('98.5'))).toBe(true);
    expect(beyondLimit('sell', dec('98.5'), dec('98.5'))).toBe(false);
    expect(beyondLimit('buy', dec('101.6'), dec('101.5'))).toBe(true);
    expect(limitReached('sell', dec('98.5'), { high: 98.5, low: 97 })).toBe(true);
    expect(limitReached('sell', dec('98.5'), { high: 98.49, low: 97 })).toBe(false);
    expect(limitReached('buy', dec('101.5'), { high: 103, low: 101.5 })).toBe(true);
    expect(limitReached('buy', dec('101.5'), { high: 103, low: 101.51 })).toBe(false);
  });
});
