import { describe, expect, it } from 'vitest';
import { dec } from '../decimal';
import { exitLevelsFromEntry, priceAtPercent } from './exit-levels';

const levels = (entrySide: 'buy' | 'sell', entryPrice: string | number) => {
  const { takeProfit, stopLoss } = exitLevelsFromEntry({
    entrySide,
    entryPrice,
    takeProfitPercent: 3,
    stopLossPercent: 1.5,
  });
  return { takeProfit: takeProfit.toFixed(), stopLoss: stopLoss.toFixed() };
};

describe('exit levels from the entry', () => {
  it('moves a price by a signed percent, exactly', () => {
    expect(priceAtPercent('100', 2.5).toFixed()).toBe('102.5');
    expect(priceAtPercent('63201.01', -1.5).toFixed()).toBe('62252.99485');
    expect(priceAtPercent(0.3, 0.1).toFixed()).toBe('0.3003');
  });

  it('a long takes profit above and stops below; a short mirrors it (not rounded to a tick)', () => {
    expect(levels('buy', '63201.01')).toEqual({ takeProfit: '65097.0403', stopLoss: '62252.99485' });
    expect(levels('sell', '63201.01')).toEqual({ takeProfit: '61304.9797', stopLoss: '64149.02515' });
  });

  it('equals entry ± entry × percent / 100 for float prices (the technical analyzer’s old form)', () => {
    for (const entry of [0.000012345678901234568, 1.23456789, 63201.0123456789, 97.31]) {
      for (const percent of [0.1, 1.5, 2.345, 7]) {
        const price = dec(entry);
        const distance = price.mul(percent).div(100);
        const buy = exitLevelsFromEntry({
          entrySide: 'buy',
          entryPrice: price,
          takeProfitPercent: percent,
          stopLossPercent: percent,
        });
        expect(buy.takeProfit.toNumber()).toBe(price.add(distance).toNumber());
        expect(buy.stopLoss.toNumber()).toBe(price.sub(distance).toNumber());
      }
    }
  });
});
