import { describe, expect, it } from 'vitest';
import { sanitizeSignal } from '../analysis/sanitize-signal';
import type { AnalysisInput, TradeHistoryContext } from '../domain/analysis-input';
import { type Signal, signalSchema } from '../domain/signal';
import type { Analyzer } from '../ports/analyzer';
import { createAnalysisInput, listCandleFixtures, loadCandleFixture } from './fixtures';

export interface AnalyzerConformanceOptions {
  /** Shown in the suite's title, e.g. `gemini` or `technical`. */
  name: string;
  /** A fresh analyzer in its normal configuration. */
  create: () => Analyzer | Promise<Analyzer>;
  /**
   * For model-backed analyzers: an analyzer whose model answers `text` (verbatim) to every call,
   * e.g. through a fake server. With it, the suite checks that bad answers become holds.
   */
  withModelOutput?: (text: string) => Analyzer | Promise<Analyzer>;
  /** Inputs to analyze; default: windows of 100 real candles from every core fixture. */
  inputs?: () => AnalysisInput[];
  /** Per-test timeout, ms; default 20 000. */
  timeoutMs?: number;
}

const troubledHistory: TradeHistoryContext = {
  tradeCount: 15,
  winRate: 26.7,
  averagePnl: -0.21,
  stopLossHitRate: 66.7,
  takeProfitHitRate: 26.7,
  recentTrend: 'losing',
  losingStreak: 4,
};

/** Windows of real candles from every fixture, some with a troubled trade history. */
export function defaultConformanceInputs(): AnalysisInput[] {
  return listCandleFixtures().flatMap((fixture) => {
    const length = loadCandleFixture(fixture).length;
    const ends = [99, Math.floor(length / 3), Math.floor((2 * length) / 3), length - 1];
    return ends.map((endIndex, index) =>
      createAnalysisInput({ fixture, endIndex, ...(index % 2 === 1 ? { history: troubledHistory } : {}) }),
    );
  });
}

/**
 * The contract of `Analyzer` (ports/analyzer.ts) as tests, for every analyzer to run:
 * `runAnalyzerConformance({ name: 'gemini', create: () => createGeminiAnalyzer(...), withModelOutput })`.
 * Uses vitest's `describe` / `it` / `expect`; call it at the top level of a test file.
 */
export function runAnalyzerConformance(options: AnalyzerConformanceOptions): void {
  const timeout = options.timeoutMs ?? 20_000;
  const inputs = () => (options.inputs ?? defaultConformanceInputs)();

  async function analyzeAll(): Promise<{ input: AnalysisInput; signal: Signal }[]> {
    const analyzer = await options.create();
    const results = [];
    for (const input of inputs()) results.push({ input, signal: await analyzer.analyze(input) });
    return results;
  }

  describe(`Analyzer conformance: ${options.name}`, () => {
    it('declares specification v1 and a name', { timeout }, async () => {
      const analyzer = await options.create();
      expect(analyzer.specificationVersion).toBe('v1');
      expect(typeof analyzer.name).toBe('string');
      expect(analyzer.name.length).toBeGreaterThan(0);
    });

    it('returns a schema-valid signal for real market inputs', { timeout }, async () => {
      for (const { signal } of await analyzeAll()) {
        const parsed = signalSchema.safeParse(signal);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }
    });

    it('gives every hold a reason', { timeout }, async () => {
      for (const { signal } of await analyzeAll()) {
        if (signal.action === 'hold') expect(signal.reasoning?.trim().length ?? 0).toBeGreaterThan(0);
      }
    });

    it('keeps every buy and sell geometrically valid and near the market price', { timeout }, async () => {
      for (const { input, signal } of await analyzeAll()) {
        if (signal.action === 'hold') continue;
        // A sanitized trade comes back from sanitizeSignal unchanged.
        expect(sanitizeSignal(signal, { price: input.market.price })).toEqual(signal);
      }
    });

    it('never returns a position size or any field outside Signal', { timeout }, async () => {
      const allowed = Object.keys(signalSchema.shape);
      for (const { signal } of await analyzeAll()) {
        for (const key of Object.keys(signal)) expect(allowed).toContain(key);
      }
    });

    it('rejects when its abort signal has already fired', { timeout }, async () => {
      const analyzer = await options.create();
      const [input] = inputs();
      await expect(
        analyzer.analyze(input as AnalysisInput, { signal: AbortSignal.abort() }),
      ).rejects.toThrow();
    });

    const withModelOutput = options.withModelOutput;
    if (!withModelOutput) return;

    describe('untrusted model output', () => {
      const input = () => inputs()[0] as AnalysisInput;
      const answer = (price: number, fields: Record<string, unknown> = {}) =>
        JSON.stringify({
          signal: 'buy',
          confidence: 80,
          entry_price: price,
          stop_loss: price * 0.995,
          take_profit: price * 1.003,
          reasoning: 'conformance answer',
          ...fields,
        });
      const analyzeWith = async (text: string) => (await withModelOutput(text)).analyze(input());
      const expectHold = (signal: Signal, reason: RegExp) => {
        expect(signal.action).toBe('hold');
        expect(signal.reasoning).toMatch(reason);
        expect(signalSchema.safeParse(signal).success).toBe(true);
      };

      it('accepts a valid answer, even inside a ```json fence', { timeout }, async () => {
        const price = input().market.price;
        const signal = await analyzeWith(`\`\`\`json\n${answer(price)}\n\`\`\``);
        expect(signal.action).toBe('buy');
        expect(signal.entryPrice).toBe(price);
      });

      it('holds on malformed JSON', { timeout }, async () => {
        expectHold(await analyzeWith('{"signal": "buy", "confidence": 80,'), /JSON|answer/i);
      });

      it('holds when fields are missing or have the wrong type', { timeout }, async () => {
        expectHold(await analyzeWith(JSON.stringify({ signal: 'buy' })), /confidence/);
        expectHold(
          await analyzeWith(answer(input().market.price, { confidence: 'very high' })),
          /confidence/,
        );
      });

      it('holds when the stop loss of a buy is above the entry', { timeout }, async () => {
        const price = input().market.price;
        expectHold(
          await analyzeWith(answer(price, { stop_loss: price * 1.01 })),
          /stop loss .* not below entry/,
        );
      });

      it('holds when the entry is 50% off the market price', { timeout }, async () => {
        const off = input().market.price * 1.5;
        expectHold(
          await analyzeWith(
            answer(off, { entry_price: off, stop_loss: off * 0.99, take_profit: off * 1.01 }),
          ),
          /away from the market price/,
        );
      });
    });
  });
}
