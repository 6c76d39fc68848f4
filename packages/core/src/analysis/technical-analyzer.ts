import { dec } from '../decimal';
import type { AnalysisInput } from '../domain/analysis-input';
import { holdSignal, type Signal, type TradeSide } from '../domain/signal';
import { exitLevelsFromEntry } from '../exchange/exit-levels';
import type { Analyzer } from '../ports/analyzer';
import { computeMacd, MIN_CANDLES_FOR_INDICATORS } from './indicators';
import { PERFORMANCE_RULES, performanceWarnings } from './performance-rules';
import { sanitizeSignal } from './sanitize-signal';

export interface TechnicalAnalyzerOptions {
  /** Name for events and the audit trail; default `technical`. */
  name?: string;
  /** RSI at or below which the market is oversold (a buy condition); default 30. */
  rsiOversold?: number;
  /** RSI at or above which the market is overbought (a sell condition); default 70. */
  rsiOverbought?: number;
  /** Conditions (of RSI, MACD cross, Bollinger touch) that must agree to trade; default 2. */
  minAgreeing?: number;
  /** Volume ratio (last bar / 20-bar average) that adds confidence; default 1.2. */
  volumeConfirmationRatio?: number;
  /** Apply the reference bot's performance rules to the user's history; default true. */
  applyPerformanceRules?: boolean;
}

interface Condition {
  met: boolean;
  description: string;
}

/**
 * The offline analyzer: a rule-based strategy on the reference bot's indicators, needing no key and
 * no network. Buy conditions: RSI oversold, MACD histogram crossing above zero on the last bar, the
 * last bar touching the lower Bollinger band; sell conditions mirror them. It trades when at least
 * `minAgreeing` conditions of one side agree and none of the other; confidence is 65 for two, 80 for
 * three, +10 when volume confirms, at most 95. Entry is the last close; stop loss and take profit are
 * the user's `stopLossPercent` / `takeProfitPercent` from it. With `applyPerformanceRules`, a losing
 * streak costs 15 points, a win rate below 40% requires confidence above 85, and a stop-loss rate
 * above 60% requires all three conditions.
 */
export function createTechnicalAnalyzer(options: TechnicalAnalyzerOptions = {}): Analyzer {
  const settings = {
    rsiOversold: options.rsiOversold ?? 30,
    rsiOverbought: options.rsiOverbought ?? 70,
    minAgreeing: options.minAgreeing ?? 2,
    volumeConfirmationRatio: options.volumeConfirmationRatio ?? 1.2,
    applyPerformanceRules: options.applyPerformanceRules ?? true,
  };
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'technical',
    async analyze(input, analyzeOptions = {}) {
      analyzeOptions.signal?.throwIfAborted();
      return decide(input, settings);
    },
  };
}

function decide(input: AnalysisInput, settings: Required<Omit<TechnicalAnalyzerOptions, 'name'>>): Signal {
  const { candles, indicators } = input;
  const last = candles.at(-1);
  // Runs once per user: only the bar before's MACD is computed here (in place, no copy of the
  // candles), the rest comes with the input.
  const previousMacd = computeMacd(candles, candles.length - 1);
  // `=== null`: an RSI of 0 (a market that only fell) is a value, not a missing one.
  if (
    !last ||
    indicators.rsi === null ||
    !indicators.macd ||
    !indicators.bollinger ||
    !indicators.volume ||
    !previousMacd
  ) {
    return holdSignal(
      `not enough candles for the indicators (have ${candles.length}, need ${MIN_CANDLES_FOR_INDICATORS + 1})`,
    );
  }
  const { rsi, macd, bollinger, volume } = indicators;

  const buy: Condition[] = [
    { met: rsi <= settings.rsiOversold, description: `RSI ${rsi.toFixed(1)} oversold` },
    {
      met: previousMacd.histogram <= 0 && macd.histogram > 0,
      description: 'MACD histogram crossed above zero',
    },
    { met: last.low <= bollinger.lower, description: 'price touched the lower Bollinger band' },
  ];
  const sell: Condition[] = [
    { met: rsi >= settings.rsiOverbought, description: `RSI ${rsi.toFixed(1)} overbought` },
    {
      met: previousMacd.histogram >= 0 && macd.histogram < 0,
      description: 'MACD histogram crossed below zero',
    },
    { met: last.high >= bollinger.upper, description: 'price touched the upper Bollinger band' },
  ];
  const buyCount = buy.filter((condition) => condition.met).length;
  const sellCount = sell.filter((condition) => condition.met).length;

  let side: TradeSide | undefined;
  if (buyCount >= settings.minAgreeing && sellCount === 0) side = 'buy';
  else if (sellCount >= settings.minAgreeing && buyCount === 0) side = 'sell';
  if (!side) {
    const met = [...buy, ...sell]
      .filter((condition) => condition.met)
      .map((condition) => condition.description);
    return holdSignal(
      `no setup: ${met.length > 0 ? met.join(', ') : `RSI ${rsi.toFixed(1)}, no MACD cross, price inside the Bollinger bands`} (${settings.minAgreeing} agreeing conditions needed)`,
    );
  }

  const agreeing = (side === 'buy' ? buy : sell).filter((condition) => condition.met);
  const volumeConfirms = volume.ratio >= settings.volumeConfirmationRatio;
  let confidence = Math.min(95, (agreeing.length >= 3 ? 80 : 65) + (volumeConfirms ? 10 : 0));
  const reasons = agreeing.map((condition) => condition.description);
  if (volumeConfirms) reasons.push(`volume ${volume.ratio.toFixed(2)}x the 20-bar average`);

  if (settings.applyPerformanceRules) {
    const { history } = input;
    const warnings = performanceWarnings(history);
    if (warnings.highStopLossRate && agreeing.length < 3) {
      return holdSignal(
        `${side} setup skipped: stop-loss rate ${history.stopLossHitRate.toFixed(1)}% is above ${PERFORMANCE_RULES.highStopLossRatePercent}%, all three conditions are required`,
      );
    }
    if (warnings.losingStreak) {
      confidence -= PERFORMANCE_RULES.losingStreakPenalty.min;
      reasons.push(`confidence −${PERFORMANCE_RULES.losingStreakPenalty.min} for the losing streak`);
    }
    if (warnings.lowWinRate && confidence <= PERFORMANCE_RULES.lowWinRateMinConfidence) {
      return holdSignal(
        `${side} setup skipped: win rate ${history.winRate.toFixed(1)}% is below ${PERFORMANCE_RULES.lowWinRatePercent}%, confidence ${confidence} does not exceed ${PERFORMANCE_RULES.lowWinRateMinConfidence}`,
      );
    }
  }

  const entry = dec(last.close);
  const { takeProfit, stopLoss } = exitLevelsFromEntry({
    entrySide: side,
    entryPrice: entry,
    takeProfitPercent: input.config.takeProfitPercent,
    stopLossPercent: input.config.stopLossPercent,
  });
  return sanitizeSignal(
    {
      action: side,
      confidence,
      entryPrice: entry.toNumber(),
      stopLoss: stopLoss.toNumber(),
      takeProfit: takeProfit.toNumber(),
      reasoning: `${side}: ${reasons.join(', ')}`,
    },
    { price: input.market.price },
  );
}
