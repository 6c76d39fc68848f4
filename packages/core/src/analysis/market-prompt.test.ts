import { describe, expect, it } from 'vitest';
import type { AnalysisInput, TradeHistoryContext } from '../domain/analysis-input';
import { defaultTradingConfig } from '../domain/trading-config';
import { createAnalysisInput } from '../testing/fixtures';
import { buildAnalysisPrompt, buildMarketPrompt } from './analysis-prompt';

const market = createAnalysisInput({ fixture: 'btcusdt-1m-2024-09-21', endIndex: 700 });
const struggling: TradeHistoryContext = {
  tradeCount: 15,
  winRate: 20,
  averagePnl: -0.4,
  stopLossHitRate: 73.3,
  takeProfitHitRate: 20,
  recentTrend: 'losing',
  losingStreak: 4,
};
const thriving: TradeHistoryContext = {
  ...struggling,
  winRate: 80,
  stopLossHitRate: 6.7,
  recentTrend: 'winning',
  losingStreak: 0,
};

/** Two users on the same market, as unlike as they can be. */
const users: AnalysisInput[] = [
  {
    ...market,
    mode: 'shared',
    userId: 'alice',
    history: struggling,
    config: defaultTradingConfig('alice', {
      minConfidence: 90,
      takeProfitPercent: 1.7,
      stopLossPercent: 2.3,
    }),
  },
  {
    ...market,
    mode: 'shared',
    userId: 'bob',
    history: thriving,
    config: defaultTradingConfig('bob', {
      minConfidence: 41,
      takeProfitPercent: 0.45,
      stopLossPercent: 0.25,
    }),
  },
];

describe('the market-only prompt (shared mode)', () => {
  it('is byte-identical for users with different settings and histories', () => {
    const [alice, bob] = users.map((input) => buildAnalysisPrompt(input));
    expect(alice).toEqual(bob);
    expect(alice).toEqual(buildMarketPrompt(market));
    // With a custom entry limit too.
    const limited = users.map((input) => buildAnalysisPrompt(input, { maxEntryDeviationPercent: 1 }));
    expect(limited[0]).toEqual(limited[1]);
    expect(limited[0]?.system).toContain('within 1% of the current price');
  });

  it('holds the market (summary, indicators, candles) and nothing of a user', () => {
    const { system, user } = buildAnalysisPrompt(users[0] as AnalysisInput);
    expect(user).toContain('MARKET: BTCUSDT, 100 one-minute candles');
    expect(user).toContain('INDICATORS:');
    expect(user).toContain('LAST 15 CANDLES');
    expect(user).toContain(`Current price: ${market.market.price}`);
    const text = `${system}\n${user}`;
    for (const userSpecific of [
      'user’s settings',
      'RECENT PERFORMANCE',
      'no closed trades',
      'CRITICAL INSTRUCTIONS',
      'win rate',
      'losing streak',
      'user’s performance',
      'minConfidence',
      '1.7%',
      '2.3%',
      'alice',
    ])
      expect(text).not.toContain(userSpecific);
    // The reference exits, the same for everyone; each user's own apply afterwards in code.
    expect(user).toContain('Take profit 0.3% and stop loss 0.5% from the entry.');
    expect(system).toContain('From the market data alone');
  });

  it('leaves the personal prompt the per-user one: settings and history differ, so the text does', () => {
    const [alice, bob] = users.map((input) => buildAnalysisPrompt({ ...input, mode: 'personal' }));
    expect(alice?.user).not.toBe(bob?.user);
    expect(alice?.user).toContain('TRADE SETUP (the user’s settings)');
    expect(alice?.user).toContain('YOUR RECENT PERFORMANCE (last 15 closed trades)');
    expect(alice?.user).toContain('CRITICAL INSTRUCTIONS BASED ON PERFORMANCE');
    // No mode is the personal prompt (what analyzers got before modes existed).
    const { mode: _mode, ...withoutMode } = users[0] as AnalysisInput;
    expect(buildAnalysisPrompt(withoutMode)).toEqual(alice);
  });
});
