import type { AnalysisInput, IndicatorSnapshot } from '../domain/analysis-input';
import { type TradingConfig, tradingConfigSchema } from '../domain/trading-config';
import { ConfigError } from '../errors';
import { exitLevelsFromEntry } from '../exchange/exit-levels';
import { PERFORMANCE_RULES, performanceWarnings } from './performance-rules';
import {
  formatPercent,
  formatPrice,
  formatSignedPercent,
  formatUtcClock,
  formatUtcMinute,
  formatValue,
} from './prompt-format';
import { DEFAULT_MAX_ENTRY_DEVIATION_PERCENT } from './sanitize-signal';

/** Most recent candles written into the prompt, one compact line each. */
export const PROMPT_CANDLE_TAIL = 15;

export interface AnalysisPrompt {
  /** Role, rules and the answer format; the same for every call. */
  system: string;
  /** This market, and in personal mode this user's settings and performance. */
  user: string;
}

export interface AnalysisPromptOptions {
  /**
   * Farthest the entry may sit from the market price, percent, as the prompt tells the model. Pass
   * the limit the answer is checked against (`sanitizeSignal`'s `maxDeviationPercent`). Default 5
   * (core's default), which leaves the prompt, and so any cache key built from it, unchanged.
   */
  maxEntryDeviationPercent?: number;
}

/** Rules shared by both prompts: what a valid answer is. */
const answerRules = (maxEntryDeviationPercent: number) => [
  '- confidence (0-100) is how likely the trade reaches its take profit before its stop loss.',
  '- The entry is a market order: entry_price is the current price.',
  `- The entry price must stay within ${maxEntryDeviationPercent}% of the current price.`,
  '- For buy: stop_loss < entry_price < take_profit. For sell: take_profit < entry_price < stop_loss.',
  '- Never suggest a position size: the risk manager sizes every trade.',
];

const answerFormat = [
  'Answer with one JSON object and nothing else:',
  '{"signal": "buy" | "sell" | "hold", "confidence": number 0-100, "entry_price": number | null, "stop_loss": number | null, "take_profit": number | null, "reasoning": "one or two sentences"}',
  'For hold, set entry_price, stop_loss and take_profit to null.',
];

/** The reference bot's per-user system prompt (personal mode). */
const systemPrompt = (maxEntryDeviationPercent: number) =>
  [
    'You are a disciplined crypto scalping analyst for an automated spot trading bot working on 1-minute candles.',
    'From the market data and the user’s own recent results, decide one action for the symbol: buy, sell or hold.',
    '',
    'Rules:',
    '- Trade only clear setups where the indicators agree; when in doubt, hold. A hold costs nothing.',
    ...answerRules(maxEntryDeviationPercent),
    '- Follow the critical instructions about the user’s performance exactly.',
    '',
    ...answerFormat,
  ].join('\n');

/** Shared mode: one answer for every trader on the symbol; no user, no record, in the prompt. */
const marketSystemPrompt = (maxEntryDeviationPercent: number) =>
  [
    'You are a disciplined crypto scalping analyst for an automated spot trading bot working on 1-minute candles.',
    'From the market data alone, decide one action for the symbol: buy, sell or hold.',
    'Your answer serves every trader on this symbol: the bot applies each trader’s own settings and track record to it afterwards, so judge the market only.',
    '',
    'Rules:',
    '- Trade only clear setups where the indicators agree; when in doubt, hold. A hold costs nothing.',
    ...answerRules(maxEntryDeviationPercent),
    '',
    ...answerFormat,
  ].join('\n');

const DEFAULT_SYSTEM_PROMPT = systemPrompt(DEFAULT_MAX_ENTRY_DEVIATION_PERCENT);
const DEFAULT_MARKET_SYSTEM_PROMPT = marketSystemPrompt(DEFAULT_MAX_ENTRY_DEVIATION_PERCENT);

/** The exits the market-only prompt describes: the reference bot's defaults, the same for everyone. */
const REFERENCE_EXITS = tradingConfigSchema
  .pick({ takeProfitPercent: true, stopLossPercent: true })
  .parse({});

/** What the market-only prompt is built from: no user, no history, no config. */
export type MarketAnalysisInput = Pick<AnalysisInput, 'symbol' | 'candles' | 'indicators' | 'market'>;

/**
 * The prompt for LLM analyzers. With `input.mode === 'shared'` it is `buildMarketPrompt` (the
 * market alone). Otherwise the reference bot's per-user prompt: market data (price, RSI, MACD,
 * Bollinger, volume, summary and the last candles), the user's settings and performance over the
 * last 15 closed trades, and the reference bot's performance-based instructions (win rate < 40% →
 * only confidence > 85; losing streak → 15–20 points less confidence; stop-loss rate > 60% → extra
 * caution). Deterministic: the same input gives the same text, so it can key a record/replay cache.
 * The user id is not included. `maxEntryDeviationPercent` sets the entry's distance rule the model
 * is given (default 5).
 */
export function buildAnalysisPrompt(
  input: AnalysisInput,
  options: AnalysisPromptOptions = {},
): AnalysisPrompt {
  if (input.mode === 'shared') return buildMarketPrompt(input, options);
  const limit = entryDeviationLimit(options);
  const sections = [
    marketSection(input),
    indicatorSection(input.market.price, input.indicators),
    candleSection(input),
    setupSection(input),
    historySection(input),
    instructionSection(input),
    'Answer with the JSON object only.',
  ];
  const system = limit === DEFAULT_MAX_ENTRY_DEVIATION_PERCENT ? DEFAULT_SYSTEM_PROMPT : systemPrompt(limit);
  return { system, user: sections.join('\n\n') };
}

/**
 * The shared-mode prompt: one symbol's market (summary, indicators, the last candles) and the
 * reference exits, nothing of any user (no settings, no history, no performance instructions), so
 * every user on the symbol sends byte-identical text and one answer serves them all. Core applies
 * the performance rules per user in code afterwards (`applyPerformancePolicy`).
 */
export function buildMarketPrompt(
  input: MarketAnalysisInput,
  options: AnalysisPromptOptions = {},
): AnalysisPrompt {
  const limit = entryDeviationLimit(options);
  const sections = [
    marketSection(input),
    indicatorSection(input.market.price, input.indicators),
    candleSection(input),
    referenceSetupSection(input),
    'Answer with the JSON object only.',
  ];
  const system =
    limit === DEFAULT_MAX_ENTRY_DEVIATION_PERCENT ? DEFAULT_MARKET_SYSTEM_PROMPT : marketSystemPrompt(limit);
  return { system, user: sections.join('\n\n') };
}

function entryDeviationLimit(options: AnalysisPromptOptions): number {
  const limit = options.maxEntryDeviationPercent ?? DEFAULT_MAX_ENTRY_DEVIATION_PERCENT;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
    throw new ConfigError(
      `buildAnalysisPrompt: maxEntryDeviationPercent must be a positive number, got ${String(limit)}`,
    );
  }
  return limit;
}

function marketSection({ market, symbol }: MarketAnalysisInput): string {
  return [
    `MARKET: ${symbol}, ${market.candleCount} one-minute candles up to ${formatUtcMinute(market.asOf)} (open time of the current bar)`,
    `- Current price: ${formatPrice(market.price)}`,
    `- Change over the window: ${formatSignedPercent(market.changePercent)}; last 15 bars: ${formatSignedPercent(market.momentumPercent)}`,
    `- Range: high ${formatPrice(market.high)}, low ${formatPrice(market.low)}`,
    `- Trend: ${market.trend}`,
  ].join('\n');
}

function indicatorSection(price: number, indicators: IndicatorSnapshot): string {
  const lines = ['INDICATORS:'];
  const { rsi, macd, bollinger, volume } = indicators;
  if (rsi === null) lines.push('- RSI(14): not enough data');
  else {
    const zone = rsi < 30 ? 'oversold' : rsi > 70 ? 'overbought' : 'neutral';
    lines.push(`- RSI(14): ${rsi.toFixed(2)} (${zone})`);
  }
  if (macd === null) lines.push('- MACD(12,26,9): not enough data');
  else {
    const side = macd.histogram > 0 ? 'above' : macd.histogram < 0 ? 'below' : 'on';
    lines.push(
      `- MACD(12,26,9): line ${formatValue(macd.macd)}, signal ${formatValue(macd.signal)}, histogram ${formatValue(macd.histogram)} (line ${side} signal)`,
    );
  }
  if (bollinger === null) lines.push('- Bollinger(20,2): not enough data');
  else {
    const position =
      price > bollinger.upper
        ? 'above the upper band'
        : price < bollinger.lower
          ? 'below the lower band'
          : price >= bollinger.middle
            ? 'between the middle and upper band'
            : 'between the lower and middle band';
    lines.push(
      `- Bollinger(20,2): upper ${formatPrice(bollinger.upper)}, middle ${formatPrice(bollinger.middle)}, lower ${formatPrice(bollinger.lower)}; price ${position}`,
    );
  }
  if (volume === null) lines.push('- Volume: not enough data');
  else {
    lines.push(
      `- Volume: last bar ${formatValue(volume.current)}, 20-bar average ${formatValue(volume.average20)} (${volume.ratio.toFixed(2)}x)`,
    );
  }
  return lines.join('\n');
}

function candleSection({ candles }: MarketAnalysisInput): string {
  const tail = candles.slice(-PROMPT_CANDLE_TAIL);
  const rows = tail.map((candle) =>
    [
      formatUtcClock(candle.openTime),
      formatPrice(candle.open),
      formatPrice(candle.high),
      formatPrice(candle.low),
      formatPrice(candle.close),
      formatValue(candle.volume),
    ].join(','),
  );
  return [`LAST ${tail.length} CANDLES (oldest first; time UTC,open,high,low,close,volume):`, ...rows].join(
    '\n',
  );
}

/** The exits the bot would place for an entry at the current price, so the model's levels agree with them. */
function exitsAtPrice(
  price: number,
  exits: Pick<TradingConfig, 'takeProfitPercent' | 'stopLossPercent'>,
): string {
  const at = (entrySide: 'buy' | 'sell') => {
    const { takeProfit, stopLoss } = exitLevelsFromEntry({
      entrySide,
      entryPrice: price,
      takeProfitPercent: exits.takeProfitPercent,
      stopLossPercent: exits.stopLossPercent,
    });
    return `stop_loss ${formatPrice(stopLoss.toNumber())}, take_profit ${formatPrice(takeProfit.toNumber())}`;
  };
  return `- At the current price: buy → ${at('buy')}; sell → ${at('sell')}.`;
}

function setupSection({ config, market }: AnalysisInput): string {
  return [
    'TRADE SETUP (the user’s settings):',
    `- Take profit ${config.takeProfitPercent}% and stop loss ${config.stopLossPercent}% from the entry; trades below confidence ${config.minConfidence} are not taken.`,
    exitsAtPrice(market.price, config),
  ].join('\n');
}

function referenceSetupSection({ market }: MarketAnalysisInput): string {
  return [
    'TRADE SETUP (the bot’s reference exits; each trader’s own settings apply afterwards):',
    `- Take profit ${REFERENCE_EXITS.takeProfitPercent}% and stop loss ${REFERENCE_EXITS.stopLossPercent}% from the entry.`,
    exitsAtPrice(market.price, REFERENCE_EXITS),
  ].join('\n');
}

function historySection({ history }: AnalysisInput): string {
  if (history.tradeCount === 0) return 'YOUR RECENT PERFORMANCE: no closed trades yet.';
  return [
    `YOUR RECENT PERFORMANCE (last ${history.tradeCount} closed trades):`,
    `- Win rate: ${formatPercent(history.winRate)}`,
    `- Average P&L per trade: ${history.averagePnl.toFixed(4)} (quote currency, net of fees)`,
    `- Stop-loss hit rate: ${formatPercent(history.stopLossHitRate)}; take-profit hit rate: ${formatPercent(history.takeProfitHitRate)}`,
    `- Recent trend (last 5 trades): ${history.recentTrend}; losing streak: ${history.losingStreak}`,
  ].join('\n');
}

function instructionSection({ history }: AnalysisInput): string {
  const warnings = performanceWarnings(history);
  const lines: string[] = [];
  if (warnings.lowWinRate) {
    lines.push(
      `- The win rate is ${formatPercent(history.winRate)}, below ${PERFORMANCE_RULES.lowWinRatePercent}%: be very conservative. Answer buy or sell only with confidence above ${PERFORMANCE_RULES.lowWinRateMinConfidence}; otherwise hold.`,
    );
  }
  if (warnings.losingStreak) {
    lines.push(
      `- The user is on a losing streak (${history.losingStreak} losses in a row, recent trend ${history.recentTrend}): reduce your confidence by ${PERFORMANCE_RULES.losingStreakPenalty.min}-${PERFORMANCE_RULES.losingStreakPenalty.max} points from what you would otherwise give.`,
    );
  }
  if (warnings.highStopLossRate) {
    lines.push(
      `- ${formatPercent(history.stopLossHitRate)} of trades hit the stop loss, above ${PERFORMANCE_RULES.highStopLossRatePercent}%: take extra caution. Require strong confirmation from several indicators and avoid entries against the trend.`,
    );
  }
  if (lines.length === 0) return 'CRITICAL INSTRUCTIONS: none from performance; apply your usual standards.';
  return ['CRITICAL INSTRUCTIONS BASED ON PERFORMANCE:', ...lines].join('\n');
}
