import { describe, expect, it } from 'vitest';
import type { AnalysisInput, TradeHistoryContext } from '../domain/analysis-input';
import { type Signal, signalSchema } from '../domain/signal';
import { runAnalyzerConformance } from '../testing/analyzer-conformance';
import { createAnalysisInput, loadCandleFixture } from '../testing/fixtures';
import { computeIndicators } from './indicators';
import { sanitizeSignal } from './sanitize-signal';
import { createTechnicalAnalyzer } from './technical-analyzer';

runAnalyzerConformance({ name: 'technical', create: () => createTechnicalAnalyzer() });

const fine: TradeHistoryContext = {
  tradeCount: 15,
  winRate: 60,
  averagePnl: 0.1,
  stopLossHitRate: 30,
  takeProfitHitRate: 60,
  recentTrend: 'winning',
  losingStreak: 0,
};

/** Every window of 100 candles of a fixture, analysed. */
async function slide(fixture: string, history: TradeHistoryContext = fine) {
  const analyzer = createTechnicalAnalyzer();
  const length = loadCandleFixture(fixture).length;
  const results: { input: AnalysisInput; signal: Signal; conditions: ReturnType<typeof conditionsOf> }[] = [];
  for (let endIndex = 99; endIndex < length; endIndex++) {
    const input = createAnalysisInput({ fixture, endIndex, history });
    results.push({ input, signal: await analyzer.analyze(input), conditions: conditionsOf(input) });
  }
  return results;
}

/** The strategy's conditions, recomputed here from the indicators. */
function conditionsOf(input: AnalysisInput) {
  const last = input.candles.at(-1);
  const previous = computeIndicators(input.candles.slice(0, -1)).macd;
  const { rsi, macd, bollinger } = input.indicators;
  if (!last || rsi === null || !macd || !bollinger || !previous) throw new Error('window too short');
  return {
    buy: [rsi <= 30, previous.histogram <= 0 && macd.histogram > 0, last.low <= bollinger.lower].filter(
      Boolean,
    ).length,
    sell: [rsi >= 70, previous.histogram >= 0 && macd.histogram < 0, last.high >= bollinger.upper].filter(
      Boolean,
    ).length,
  };
}

describe('createTechnicalAnalyzer on real candles', () => {
  for (const fixture of ['btcusdt-1m-2024-09-21', 'ethusdt-1m-2022-08-14']) {
    it(`produces buys, sells and holds over a sliding 100-candle window (${fixture})`, {
      timeout: 60_000,
    }, async () => {
      const results = await slide(fixture);
      const count = (action: string) => results.filter(({ signal }) => signal.action === action).length;
      expect(count('buy')).toBeGreaterThan(5);
      expect(count('sell')).toBeGreaterThan(5);
      expect(count('hold')).toBeGreaterThan(results.length / 2);

      for (const { input, signal, conditions } of results) {
        expect(signalSchema.safeParse(signal).success).toBe(true);
        if (signal.action === 'hold') {
          expect(signal.reasoning).toBeTruthy();
          continue;
        }
        // Every trade passes the shared checks unchanged and follows the strategy's rules.
        expect(sanitizeSignal(signal, { price: input.market.price })).toEqual(signal);
        const close = input.candles.at(-1)?.close as number;
        expect(signal.entryPrice).toBe(close);
        const agreeing = signal.action === 'buy' ? conditions.buy : conditions.sell;
        const opposing = signal.action === 'buy' ? conditions.sell : conditions.buy;
        expect(agreeing).toBeGreaterThanOrEqual(2);
        expect(opposing).toBe(0);
        const volumeBonus = (input.indicators.volume?.ratio as number) >= 1.2 ? 10 : 0;
        expect(signal.confidence).toBe((agreeing === 3 ? 80 : 65) + volumeBonus);
        if (signal.action === 'buy') {
          expect(signal.stopLoss).toBeCloseTo(close * 0.995, 6);
          expect(signal.takeProfit).toBeCloseTo(close * 1.003, 6);
        } else {
          expect(signal.stopLoss).toBeCloseTo(close * 1.005, 6);
          expect(signal.takeProfit).toBeCloseTo(close * 0.997, 6);
        }
      }
      // Conversely, every window where two conditions of one side (and none of the other) agree is a trade.
      for (const { signal, conditions } of results) {
        const { buy, sell } = conditions;
        if (buy >= 2 && sell === 0) expect(signal.action).toBe('buy');
        if (sell >= 2 && buy === 0) expect(signal.action).toBe('sell');
      }
    });
  }
});

describe('createTechnicalAnalyzer', () => {
  // A fixed buy window of the ETHUSDT day, found by the sliding test above.
  async function firstTrade(action: 'buy' | 'sell') {
    const analyzer = createTechnicalAnalyzer();
    for (let endIndex = 99; endIndex < 1440; endIndex++) {
      const input = createAnalysisInput({ fixture: 'ethusdt-1m-2022-08-14', endIndex, history: fine });
      const signal = await analyzer.analyze(input);
      if (signal.action === action && signal.confidence === 65) return { endIndex, signal };
    }
    throw new Error(`no ${action} at confidence 65 in the fixture`);
  }

  it('uses the user’s take-profit and stop-loss distances', async () => {
    const { endIndex } = await firstTrade('buy');
    const input = createAnalysisInput({
      fixture: 'ethusdt-1m-2022-08-14',
      endIndex,
      history: fine,
      config: { takeProfitPercent: 1, stopLossPercent: 2 },
    });
    const signal = await createTechnicalAnalyzer().analyze(input);
    expect(signal.stopLoss).toBeCloseTo((signal.entryPrice as number) * 0.98, 8);
    expect(signal.takeProfit).toBeCloseTo((signal.entryPrice as number) * 1.01, 8);
  });

  it('applies the reference bot’s performance rules to the user’s history', async () => {
    const { endIndex, signal } = await firstTrade('sell');
    const analyze = (history: TradeHistoryContext, applyPerformanceRules = true) =>
      createTechnicalAnalyzer({ applyPerformanceRules }).analyze(
        createAnalysisInput({ fixture: 'ethusdt-1m-2022-08-14', endIndex, history }),
      );

    const streak = await analyze({ ...fine, losingStreak: 2, recentTrend: 'mixed' });
    expect(streak.action).toBe('sell');
    expect(streak.confidence).toBe(signal.confidence - 15);
    expect(streak.reasoning).toMatch(/losing streak/);

    const lowWinRate = await analyze({ ...fine, winRate: 30 });
    expect(lowWinRate.action).toBe('hold');
    expect(lowWinRate.reasoning).toMatch(/win rate 30.0% is below 40%, confidence 65 does not exceed 85/);

    const stopLosses = await analyze({ ...fine, stopLossHitRate: 70 });
    expect(stopLosses.action).toBe('hold');
    expect(stopLosses.reasoning).toMatch(/stop-loss rate 70.0% is above 60%/);

    expect((await analyze({ ...fine, winRate: 30, stopLossHitRate: 70 }, false)).action).toBe('sell');
  });

  it('holds, saying why, when there are too few candles for the indicators', async () => {
    const signal = await createTechnicalAnalyzer().analyze(
      createAnalysisInput({ endIndex: 29, windowSize: 30 }),
    );
    expect(signal.action).toBe('hold');
    expect(signal.reasoning).toMatch(/not enough candles for the indicators \(have 30, need 35\)/);
  });

  it('reads an RSI of 0 (a market that only fell) as oversold, not as missing', async () => {
    const candles = Array.from({ length: 100 }, (_, index) => {
      const close = 200 - index;
      return { openTime: index * 60_000, open: close + 1, high: close + 1, low: close, close, volume: 1 };
    });
    const input = createAnalysisInput({ candles });
    expect(input.indicators.rsi).toBe(0);
    const signal = await createTechnicalAnalyzer().analyze(input);
    expect(signal.reasoning).not.toMatch(/not enough candles/);
    expect(signal.reasoning).toMatch(/RSI 0.0 oversold/);
  });

  it('rejects with the abort reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cycle cancelled'));
    await expect(
      createTechnicalAnalyzer().analyze(createAnalysisInput(), { signal: controller.signal }),
    ).rejects.toThrow('cycle cancelled');
  });

  it('names itself', () => {
    expect(createTechnicalAnalyzer().name).toBe('technical');
    expect(createTechnicalAnalyzer({ name: 'technical:aggressive' }).name).toBe('technical:aggressive');
  });
});
