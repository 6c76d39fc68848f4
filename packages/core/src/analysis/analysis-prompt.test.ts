import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TradeHistoryContext } from '../domain/analysis-input';
import { ConfigError } from '../errors';
import { createAnalysisInput } from '../testing/fixtures';
import { buildAnalysisPrompt } from './analysis-prompt';
import { modelAnswerSchema } from './model-answer';
import { formatUtcMinute } from './prompt-format';

const noHistory: TradeHistoryContext = {
  tradeCount: 0,
  winRate: 0,
  averagePnl: 0,
  stopLossHitRate: 0,
  takeProfitHitRate: 0,
  recentTrend: 'none',
  losingStreak: 0,
};
const goodHistory: TradeHistoryContext = {
  tradeCount: 15,
  winRate: 60,
  averagePnl: 0.12,
  stopLossHitRate: 33.3,
  takeProfitHitRate: 60,
  recentTrend: 'winning',
  losingStreak: 0,
};

function promptFor(history: TradeHistoryContext) {
  return buildAnalysisPrompt(
    createAnalysisInput({ fixture: 'btcusdt-1m-2024-09-21', endIndex: 700, history }),
  );
}

describe('buildAnalysisPrompt', () => {
  it('writes the market data: price, RSI, MACD, Bollinger, volume, summary and the last candles', () => {
    const input = createAnalysisInput({
      fixture: 'btcusdt-1m-2024-09-21',
      endIndex: 700,
      history: noHistory,
    });
    const { user } = buildAnalysisPrompt(input);
    const { indicators, market } = input;

    expect(user).toContain(`MARKET: BTCUSDT, 100 one-minute candles up to ${formatUtcMinute(market.asOf)}`);
    expect(user).toContain(`Current price: ${market.price}`);
    expect(user).toContain(`RSI(14): ${indicators.rsi?.toFixed(2)}`);
    expect(user).toContain(`histogram ${Number(indicators.macd?.histogram.toPrecision(6))}`);
    expect(user).toContain(`middle ${Number(indicators.bollinger?.middle.toPrecision(10))}`);
    expect(user).toContain(`(${indicators.volume?.ratio.toFixed(2)}x)`);
    expect(user).toContain(`Trend: ${market.trend}`);
    // The last 15 candles, one line each, the newest last.
    const last = input.candles.at(-1);
    const lastLine = user.split('\n').find((line) => line.startsWith('11:40,'));
    expect(formatUtcMinute(last?.openTime as number)).toBe('2024-09-21T11:40Z');
    expect(lastLine).toBe(`11:40,${last?.open},${last?.high},${last?.low},${last?.close},${last?.volume}`);
    expect(user).toContain('LAST 15 CANDLES');
    expect(user).toContain('\n11:26,');
    expect(user).not.toContain('\n11:25,');
  });

  it('is deterministic, and leaves the user id out so equal situations share a cache key', () => {
    const hash = (prompt: { system: string; user: string }) =>
      createHash('sha256').update(prompt.system).update('\0').update(prompt.user).digest('hex');
    const a = buildAnalysisPrompt(
      createAnalysisInput({ endIndex: 300, userId: 'alice', history: goodHistory }),
    );
    const b = buildAnalysisPrompt(
      createAnalysisInput({ endIndex: 300, userId: 'bob', history: { ...goodHistory } }),
    );
    const later = buildAnalysisPrompt(
      createAnalysisInput({ endIndex: 301, userId: 'alice', history: goodHistory }),
    );
    expect(hash(a)).toBe(hash(b));
    expect(hash(a)).not.toBe(hash(later));
    expect(a.user).not.toContain('alice');
  });

  it('asks for the JSON answer with every field of the shared schema', () => {
    const { system, user } = promptFor(noHistory);
    for (const field of Object.keys(modelAnswerSchema.shape)) expect(system).toContain(`"${field}"`);
    expect(system).toMatch(/stop_loss < entry_price < take_profit/);
    expect(system).toMatch(/take_profit < entry_price < stop_loss/);
    expect(system).toMatch(/Never suggest a position size/);
    expect(user).toMatch(/JSON object only/);
  });

  it('tells the model the entry limit it will be checked against: 5% by default, or the one given', () => {
    const input = createAnalysisInput({ endIndex: 700, history: goodHistory });
    const defaults = buildAnalysisPrompt(input);
    expect(defaults.system).toContain('The entry price must stay within 5% of the current price.');
    // The default limit, given explicitly, changes nothing (existing cache keys stay valid).
    expect(buildAnalysisPrompt(input, { maxEntryDeviationPercent: 5 })).toEqual(defaults);

    const tight = buildAnalysisPrompt(input, { maxEntryDeviationPercent: 0.5 });
    expect(tight.system).toContain('The entry price must stay within 0.5% of the current price.');
    expect(tight.system).not.toContain('within 5%');
    expect(tight.user).toBe(defaults.user);
    expect(() => buildAnalysisPrompt(input, { maxEntryDeviationPercent: 0 })).toThrow(ConfigError);
    expect(() => buildAnalysisPrompt(input, { maxEntryDeviationPercent: Number.NaN })).toThrow(ConfigError);
  });

  it('gives the exits the user’s settings imply at the current price', () => {
    const input = createAnalysisInput({
      endIndex: 700,
      config: { takeProfitPercent: 0.3, stopLossPercent: 0.5 },
    });
    const price = input.market.price;
    const { user } = buildAnalysisPrompt(input);
    expect(user).toContain(
      `buy → stop_loss ${Number((price * 0.995).toPrecision(10))}, take_profit ${Number((price * 1.003).toPrecision(10))}`,
    );
    expect(user).toContain('trades below confidence 60 are not taken');
  });

  it('says there is no history, and adds no performance rule, for a new user', () => {
    const { user } = promptFor(noHistory);
    expect(user).toContain('YOUR RECENT PERFORMANCE: no closed trades yet.');
    expect(user).toContain('CRITICAL INSTRUCTIONS: none from performance');
  });

  it('summarizes the history and adds no rule when performance is fine', () => {
    const { user } = promptFor(goodHistory);
    expect(user).toContain('last 15 closed trades');
    expect(user).toContain('Win rate: 60.0%');
    expect(user).toContain('Average P&L per trade: 0.1200');
    expect(user).toContain('Stop-loss hit rate: 33.3%; take-profit hit rate: 60.0%');
    expect(user).toContain('Recent trend (last 5 trades): winning; losing streak: 0');
    expect(user).not.toMatch(/above 85|reduce your confidence|extra caution/);
  });

  it('requires confidence above 85 when the win rate is below 40%, not at 40%', () => {
    expect(promptFor({ ...goodHistory, winRate: 33.3 }).user).toMatch(
      /win rate is 33.3%, below 40%: be very conservative. Answer buy or sell only with confidence above 85/,
    );
    expect(promptFor({ ...goodHistory, winRate: 40 }).user).not.toMatch(/above 85/);
  });

  it('asks for 15–20 points less confidence on a losing streak', () => {
    const streak = promptFor({ ...goodHistory, losingStreak: 3, recentTrend: 'losing' }).user;
    expect(streak).toMatch(
      /losing streak \(3 losses in a row, recent trend losing\): reduce your confidence by 15-20 points/,
    );
    expect(promptFor({ ...goodHistory, losingStreak: 1, recentTrend: 'mixed' }).user).not.toMatch(
      /reduce your confidence/,
    );
  });

  it('asks for extra caution when more than 60% of trades hit the stop loss', () => {
    expect(promptFor({ ...goodHistory, stopLossHitRate: 66.7 }).user).toMatch(
      /66.7% of trades hit the stop loss, above 60%: take extra caution/,
    );
    expect(promptFor({ ...goodHistory, stopLossHitRate: 60 }).user).not.toMatch(/extra caution/);
  });

  it('says which indicators lack data on a short window', () => {
    const { user } = buildAnalysisPrompt(createAnalysisInput({ endIndex: 9, windowSize: 10 }));
    expect(user).toContain('RSI(14): not enough data');
    expect(user).toContain('MACD(12,26,9): not enough data');
    expect(user).toContain('LAST 10 CANDLES');
  });
});

describe('formatUtcMinute', () => {
  it('agrees with the calendar across leap years and centuries', () => {
    for (const iso of [
      '1970-01-01T00:00Z',
      '2000-02-29T23:59Z',
      '2024-09-21T11:40Z',
      '2100-03-01T00:01Z',
      '1969-12-31T23:59Z',
    ]) {
      expect(formatUtcMinute(Date.parse(iso.replace('Z', ':00Z')))).toBe(iso);
    }
  });
});
