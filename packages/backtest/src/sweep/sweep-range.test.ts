import { describe, expect, it } from 'vitest';
import { parseSweepRange, sweepGrid } from './sweep-range';

describe('parseSweepRange', () => {
  it('reads start:end:step in decimal, the end included', () => {
    expect(parseSweepRange('takeProfitPercent=0.2:1.0:0.1')).toEqual({
      parameter: 'takeProfitPercent',
      values: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    });
    expect(parseSweepRange('stopLossPercent=0.3:1.5:0.1').values).toHaveLength(13);
    expect(parseSweepRange('minConfidence=60,80,70').values).toEqual([60, 70, 80]);
  });

  it('names what is wrong', () => {
    expect(() => parseSweepRange('takeProfit=0.2:1:0.1')).toThrow(/cannot sweep "takeProfit"/);
    expect(() => parseSweepRange('stopLossPercent=1:0.5:0.1')).toThrow(/below the start/);
    expect(() => parseSweepRange('stopLossPercent=0.5:1:0')).toThrow(/step must be above 0/);
    expect(() => parseSweepRange('stopLossPercent=0.5:1')).toThrow(/start:end:step/);
    expect(() => parseSweepRange('riskPercent=0.1:100:0.01')).toThrow(/at most 1000/);
    expect(() => parseSweepRange('riskPercent=abc')).toThrow(/not a number/);
  });
});

describe('sweepGrid', () => {
  it('gives every combination, the first range varying slowest', () => {
    const grid = sweepGrid([
      { parameter: 'takeProfitPercent', values: [0.2, 0.3] },
      { parameter: 'stopLossPercent', values: [0.5, 1, 1.5] },
    ]);
    expect(grid).toHaveLength(6);
    expect(grid.slice(0, 4)).toEqual([
      { takeProfitPercent: 0.2, stopLossPercent: 0.5 },
      { takeProfitPercent: 0.2, stopLossPercent: 1 },
      { takeProfitPercent: 0.2, stopLossPercent: 1.5 },
      { takeProfitPercent: 0.3, stopLossPercent: 0.5 },
    ]);
    expect(sweepGrid([])).toEqual([{}]);
    expect(() =>
      sweepGrid([
        { parameter: 'riskPercent', values: [1] },
        { parameter: 'riskPercent', values: [2] },
      ]),
    ).toThrow(/swept twice/);
  });
});
