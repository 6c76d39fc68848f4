import { dec } from '@trd/core';
import { describe, expect, it } from 'vitest';
import { triggeredLeg } from './exit-trigger';

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
  });
});
